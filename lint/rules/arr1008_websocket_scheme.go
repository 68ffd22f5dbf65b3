package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// WebSocketScheme reports rewrites to ws:// and wss:// URLs.
var WebSocketScheme = &lint.Rule{
	ID:       "ARR1008",
	Slug:     "websocket-scheme-target",
	Title:    "a rewrite targets a ws:// or wss:// URL",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "ARR forwards only `http` and `https` URLs. A WebSocket connection starts as an HTTP request with " +
			"an `Upgrade` header, and ARR (with the IIS WebSocket Protocol feature) proxies the upgrade when the " +
			"rule rewrites to `http://`. A rule that rewrites to `ws://` or `wss://` makes every request it " +
			"matches fail instead.",
		Fix: "Rewrite to `http://` (or `https://` for `wss://`); the upgrade is carried through.",
		Bad: rulesExample(webFarm, `<rule name="ws" stopProcessing="true">
  <match url="^ws/(.*)" />
  <action type="Rewrite" url="ws://web/{R:1}" />
</rule>
`+webRule),
		Good: rulesExample(webFarm, `<rule name="ws" stopProcessing="true">
  <match url="^ws/(.*)" />
  <action type="Rewrite" url="http://web/{R:1}" />
</rule>
`+webRule),
	},
	Check: func(p *lint.Pass) {
		for _, r := range p.Config.Rules {
			scheme, _, ok := r.Target()
			if !r.Enabled || !ok || (scheme != "ws" && scheme != "wss") {
				continue
			}
			want := "http"
			if scheme == "wss" {
				want = "https"
			}
			p.Reportf(r.Action.ValueSpan("url"), "",
				"rule %q rewrites to a %s:// URL, which ARR cannot forward: every request it matches fails; rewrite to %s:// and the WebSocket upgrade is carried through",
				r.Name, scheme, want)
		}
	},
}
