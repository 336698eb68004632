package engine

// Test-only access to the wire, for the external tests that speak the
// protocol frame by frame.
var (
	EncodeHello   = func(protocol int, build string) []byte { return encodeHello(hello{Protocol: protocol, Build: build}) }
	EncodeRequest = encodeRequest
	AckFrame      = ackFrame
)

// DecodeResponse decodes b if it is a response (nil otherwise).
func DecodeResponse(b []byte) (*Response, error) {
	f, err := decodeFrame(b)
	if err != nil {
		return nil, err
	}
	return f.response, nil
}

// DecodeUpdate decodes b if it is an update (nil otherwise).
func DecodeUpdate(b []byte) (*Update, error) {
	f, err := decodeFrame(b)
	if err != nil {
		return nil, err
	}
	return f.update, nil
}
