package node

// ServeLocalRead answers a serializable range from the member's store as it
// is, even once the member stopped, and reports whether op was one (for any
// other op it answers nothing and returns false). The cluster calls it for a
// member that stopped because its disk filled up (node/cluster's full-disk
// reads): such a read needs no storage, only what the member applied before
// its save failed. Called with the cluster's lock held, like SubmitTo; a
// answers exactly once when ServeLocalRead returns true.
func (m *Member) ServeLocalRead(op Op, a Answerer) bool {
	if op.Kind() != "range" || !op.Serializable {
		return false
	}
	m.serveRange(&call{rng: op.Range, done: a})
	return true
}
