package mvcc

// Request validation done before a request touches the store, as etcd's
// gRPC layer (v3rpc key.go) does it. Revision and lease checks, which need
// the store's state, happen under the store lock (Put, Txn's checkPath).

func checkRange(r *RangeRequest) error {
	if len(r.Key) == 0 {
		return ErrKeyNotProvided
	}
	if r.SortOrder < SortNone || r.SortOrder > SortDescend ||
		r.SortTarget < SortByKey || r.SortTarget > SortByValue {
		return ErrInvalidSortOption
	}
	return nil
}

func checkPut(r *PutRequest) error {
	if len(r.Key) == 0 {
		return ErrKeyNotProvided
	}
	return nil
}

func checkDelete(r *DeleteRangeRequest) error {
	if len(r.Key) == 0 {
		return ErrKeyNotProvided
	}
	return nil
}

// checkTxn checks op counts and keys as etcd's checkTxnRequest: the largest
// of len(Compare), len(Success), len(Failure) must not exceed maxOps, and a
// nested txn gets the budget left by its parent's count.
func checkTxn(r *TxnRequest, maxOps int) error {
	opc := max(len(r.Compare), len(r.Success), len(r.Failure))
	if opc > maxOps {
		return ErrTooManyOps
	}
	for i := range r.Compare {
		if len(r.Compare[i].Key) == 0 {
			return ErrKeyNotProvided
		}
	}
	for _, ops := range [][]RequestOp{r.Success, r.Failure} {
		for i := range ops {
			if err := checkOp(&ops[i], maxOps-opc); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkOp(op *RequestOp, maxOps int) error {
	n := 0
	for _, set := range []bool{op.Range != nil, op.Put != nil, op.DeleteRange != nil, op.Txn != nil} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		return ErrKeyNotFound // etcd's answer to an empty RequestOp
	case n > 1:
		return ErrInvalidRequestOp
	case op.Range != nil:
		return checkRange(op.Range)
	case op.Put != nil:
		return checkPut(op.Put)
	case op.DeleteRange != nil:
		return checkDelete(op.DeleteRange)
	default:
		return checkTxn(op.Txn, maxOps)
	}
}

// interval is a key interval [begin, end) where an empty end is +infinity
// (etcd's adt.StringAffineInterval); a point k is [k, k+"\x00").
type interval struct{ begin, end string }

// containsPoint reports whether the point k overlaps iv, with etcd's
// interval comparison (an inverted interval, such as a delete from key
// with the "\x00" end, contains no point).
func (iv interval) containsPoint(k string) bool {
	return iv.begin <= k && (iv.end == "" || k < iv.end)
}

func anyContains(ivs []interval, k string) bool {
	for _, iv := range ivs {
		if iv.containsPoint(k) {
			return true
		}
	}
	return false
}

// checkIntervals rejects ops that write one key twice (etcd's
// checkIntervals): a put whose key another put on the same path, or a
// delete at the same or a deeper level, also touches. The Success and
// Failure branches of a nested txn may put the same key (only one runs).
func checkIntervals(ops []RequestOp) error {
	_, _, err := collectIntervals(ops)
	return err
}

func collectIntervals(ops []RequestOp) (map[string]struct{}, []interval, error) {
	var dels []interval
	for i := range ops {
		d := ops[i].DeleteRange
		if d == nil {
			continue
		}
		if len(d.End) != 0 {
			dels = append(dels, interval{string(d.Key), string(d.End)})
		} else {
			dels = append(dels, interval{string(d.Key), string(d.Key) + "\x00"})
		}
	}
	puts := make(map[string]struct{})
	for i := range ops {
		t := ops[i].Txn
		if t == nil {
			continue
		}
		putsThen, delsThen, err := collectIntervals(t.Success)
		if err != nil {
			return nil, nil, err
		}
		putsElse, delsElse, err := collectIntervals(t.Failure)
		if err != nil {
			return nil, nil, err
		}
		for k := range putsThen {
			if _, dup := puts[k]; dup || anyContains(dels, k) {
				return nil, nil, ErrDuplicateKey
			}
			puts[k] = struct{}{}
		}
		for k := range putsElse {
			if _, dup := puts[k]; dup {
				if _, fromThen := putsThen[k]; !fromThen {
					return nil, nil, ErrDuplicateKey
				}
			}
			if anyContains(dels, k) {
				return nil, nil, ErrDuplicateKey
			}
			puts[k] = struct{}{}
		}
		dels = append(dels, delsThen...)
		dels = append(dels, delsElse...)
	}
	for i := range ops {
		p := ops[i].Put
		if p == nil {
			continue
		}
		k := string(p.Key)
		if _, dup := puts[k]; dup || anyContains(dels, k) {
			return nil, nil, ErrDuplicateKey
		}
		puts[k] = struct{}{}
	}
	return puts, dels, nil
}
