//go:build !js

package durable

// LockTab takes the exclusive lock name, or fails with ErrLocked when it is
// held; with steal it takes the lock over and the previous holder's Lost
// channel closes. Natively the "tabs" are holders in this process.
func LockTab(name string, steal bool) (*TabLock, error) { return lockInProcess(name, steal) }
