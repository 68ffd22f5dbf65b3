package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// WebSocketScheme reports rewrites to ws:// and wss:// URLs.
var WebSocketScheme = &lint.Rule{
	ID:       "ARR1008",
	Slug:     "websocket-scheme-target",
	Title:    "a rewrite targets a ws:// or wss:// URL",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "ARR's documentation and the configurations Microsoft shows proxy WebSocket connections through rules " +
			"that rewrite to `http://` or `https://`: the connection starts as an HTTP request with an `Upgrade` header, " +
			"and ARR (with the IIS WebSocket Protocol feature) carries the upgrade through. A public report (Stack " +
			"Overflow question 34316825, IIS 8.5 with ARR 3) shows a rule rewriting to `ws://` whose requests never " +
			"reached the WebSocket server, while the same proxying over `http://` worked. No Microsoft source says " +
			"how ARR treats a `ws://` URL, so this rests on that report: a warning, not an error.",
		Fix: "Rewrite to `http://` (or `https://` for `wss://`), the documented form.",
		Bad: rulesExample(webFarm, `<rule name="ARR_web_loadbalance_ws" stopProcessing="true">
  <match url="^ws/(.*)" />
  <action type="Rewrite" url="ws://web/{R:1}" />
</rule>
`+webRule),
		Good: rulesExample(webFarm, `<rule name="ARR_web_loadbalance_ws" stopProcessing="true">
  <match url="^ws/(.*)" />
  <serverVariables>
    <set name="HTTP_SEC_WEBSOCKET_EXTENSIONS" value="" />
  </serverVariables>
  <action type="Rewrite" url="http://web/{R:1}" />
</rule>
`+webRule),
	},
	Evidence: evidence(lint.Source{Kind: lint.FromCommunity, Ref: "Stack Overflow 34316825, \"WebSockets reverse proxy in IIS 8\": a rewrite to ws:// did not reach the WebSocket server; proxying through http:// with the WebSocket feature installed worked"},
		inferred("ARR's documentation and samples proxy WebSocket upgrades through http:// and https:// rewrites; none says how ARR treats a ws:// URL")),
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
				"rule %q rewrites to a %s:// URL, which a public report shows failing where %s:// works: ARR's documented way to proxy WebSockets is a rewrite to %s:// (the upgrade is carried through)",
				r.Name, scheme, want, want)
		}
	},
}
