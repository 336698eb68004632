package tour

// Tour is one parsed tour: a name (used in ?tour=NAME), a title, the page
// parameters it needs, an introduction and its steps, numbered from 1.
type Tour struct {
	Name  string
	Title string
	// URL holds the page parameters the tour needs, as the page's URL
	// takes them ("members=5&snapshot-count=10"); "" when none.
	URL   string
	Intro []string // paragraphs shown above step 1
	Steps []Step
}

// Step is one step: what the reader reads, what it names on the page,
// the action its "Do it" button performs and the conditions that make it
// done.
type Step struct {
	Line      int // the line of its `step` directive
	Title     string
	Say       []string // paragraphs, in order (at least one)
	Highlight []string // targets (Targets lists them)
	// Do lists the step's actions, performed in order by Runner.Do
	// (none: the step only waits, e.g. for the time to pass).
	Do []Action
	// Wait lists the conditions that must all hold for the step to be
	// done (none: done once its actions were performed).
	Wait []Condition
}

// Targets are the page parts a step may highlight; "card:N" (a member
// number) is accepted too.
var Targets = []string{
	"cards", "card:leader", "card:down", "links", "messages", "timers", "log", "timeline",
	"keys", "console", "mvcc", "watches", "leases", "check", "settings", "stress", "events", "hash",
}

// Lookup returns the tour named name among tours (nil when none is).
func Lookup(tours []*Tour, name string) *Tour {
	for _, t := range tours {
		if t.Name == name {
			return t
		}
	}
	return nil
}
