package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// panel is a child component that renders one part of the page from the
// playground's state. go-app re-renders a child only when one of its
// exported fields changed, so the root, which re-renders on every refresh,
// hands each panel a Key that summarises exactly what the panel shows: a
// panel whose content did not change costs one comparison per refresh
// instead of a diff of its whole subtree. Handlers inside a panel update the
// playground's fields and go-app re-renders the panel they ran in.
type panel struct {
	app.Compo
	P    *playground // never changes
	Kind panelKind
	Key  string // changes whenever what the panel shows changes
}

type panelKind int

const (
	panelView panelKind = iota
	panelCards
	panelFaults
	panelLinks
	panelStress
	panelWrite
	panelConsole
	panelChart
	panelLog
	panelBench
	panelSettings
	panelMVCC
	panelLeases
	panelRevisions
	panelWatches
	panelTimeline
	panelCheck
	// Parts of the page around the panels proper, panels all the same so
	// that a refresh redraws each of them once (in the frame of its tier,
	// livePanel), not with every render of the root.
	panelHeader
	panelHash
	panelDurability
)

func (c *panel) Render() app.UI {
	p := c.P
	switch c.Kind {
	case panelView:
		return p.renderClusterView()
	case panelCards:
		return p.renderCards() // member_card.go
	case panelFaults:
		return p.renderClusterControls()
	case panelLinks:
		return p.renderLinkPanel()
	case panelStress:
		return p.renderStressPanel()
	case panelWrite:
		return p.renderWritePanel()
	case panelConsole:
		return p.renderConsole()
	case panelChart:
		return p.renderChart()
	case panelLog:
		return p.renderEventLog()
	case panelBench:
		return p.renderBenchPanel() // bench_panel.go
	case panelSettings:
		return p.renderSettingsPanel() // settings_panel.go
	case panelMVCC:
		return p.renderMVCCPanel() // mvcc_panel.go
	case panelRevisions:
		return p.renderRevisionTimeline() // mvcc_panel.go
	case panelWatches:
		return p.renderPanelWatches() // mvcc_watches.go
	case panelLeases:
		return p.renderLeasePanel() // lease_panel.go
	case panelTimeline:
		return p.renderTimelinePanel() // timeline_panel.go
	case panelCheck:
		return p.renderCheckPanel() // lincheck_panel.go
	case panelHeader:
		return p.renderHeader() // playground.go
	case panelHash:
		return p.renderHashIndicator() // hash_indicator.go
	case panelDurability:
		return p.renderDurability() // storage_panel.go
	}
	return app.Div()
}
