# failures.awk reads `go test -v` output of the browser tests and, for each
# test that failed, prints the last 12 lines it logged (the harness's
# failure message and diagnose lines among them). make test-browser prints
# this after the run, so that a log kept only by its tail still says why a
# test failed. Tests run one at a time, so a logged line belongs to the
# test most recently started (=== RUN / === CONT); a failed test whose
# subtest failed is left to the subtest.
function keep(name, line) {
	n[name]++
	buf[name, n[name] % 12] = substr(line, 1, 600)
}
/^=== (RUN|CONT) / { cur = $3; next }
/^ +[A-Za-z0-9_]+\.go:[0-9]+: / { if (cur != "") keep(cur, $0); next }
/^ *--- FAIL: / { if (!($3 in failed)) { failed[$3] = 1; order[++nf] = $3 } }
END {
	for (k = 1; k <= nf; k++) {
		name = order[k]
		for (o in failed) if (index(o, name "/") == 1) name = ""
		if (name == "") continue
		if (!header) { print "\nwhy the failed browser tests failed (their last logged lines):"; header = 1 }
		print "--- " name
		from = n[name] > 12 ? n[name] - 11 : 1
		for (i = from; i <= n[name]; i++) print buf[name, i % 12]
		if (n[name] == 0) print "    (it logged nothing)"
	}
}
