package rules

import (
	"regexp"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// WebSocketExtensions notes WebSocket routes that let clients and backends
// negotiate permessage-deflate through ARR 3.
var WebSocketExtensions = &lint.Rule{
	ID:       "ARR5006",
	Slug:     "websocket-extensions",
	Title:    "a WebSocket route passes Sec-WebSocket-Extensions through ARR 3",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "ARR 3 does not support WebSocket compression (permessage-deflate), by community reports: the WinHTTP " +
			"and websocket.dll layers it forwards through expect no extensions. When the client offers " +
			"`Sec-WebSocket-Extensions: permessage-deflate` and the backend accepts it, the connection opens (101) " +
			"and then breaks on the first compressed frame. Many servers enable compression by default (Blazor, " +
			"uvicorn, Node's ws). Removing the header on the way in makes the backend answer without compression. " +
			"A route counts as WebSocket when it tests `{HTTP_UPGRADE}` for `websocket`, rewrites to `ws://` or " +
			"`wss://`, or its URL pattern names `ws`, `websocket`, `socket.io` or `signalr`.",
		Fix: "Clear the header in the rule: `<set name=\"HTTP_SEC_WEBSOCKET_EXTENSIONS\" value=\"\" />` under " +
			"`serverVariables` (and add `HTTP_SEC_WEBSOCKET_EXTENSIONS` to `allowedServerVariables`), or turn " +
			"compression off in the backend.",
		Bad: rulesExample(webFarm, `<rule name="ARR_web_loadbalance_ws" stopProcessing="true">
  <match url="^ws/(.*)" />
  <action type="Rewrite" url="http://web/ws/{R:1}" />
</rule>
`+webRule),
		Good: rulesExample(webFarm, `<rule name="ARR_web_loadbalance_ws" stopProcessing="true">
  <match url="^ws/(.*)" />
  <serverVariables>
    <set name="HTTP_SEC_WEBSOCKET_EXTENSIONS" value="" />
  </serverVariables>
  <action type="Rewrite" url="http://web/ws/{R:1}" />
</rule>
`+webRule),
	},
	Evidence: evidence(
		lint.Source{Kind: lint.FromCommunity, Ref: "MSDN forum \"ARR3.0 doesn't support WebSocket compression\", cited in python-websockets/websockets#1192 (IIS reverse proxy, fixed by turning compression off)"},
		lint.Source{Kind: lint.FromCommunity, Ref: "dotnet/aspnetcore#58846: WinHTTP and websocket.dll do not support compression framing; IIS out-of-process forwarding now removes Sec-WebSocket-Extensions"},
		inferred("which routes carry WebSockets is guessed from their patterns, conditions and schemes")),
	Check: func(p *lint.Pass) {
		for _, r := range p.Config.Rules {
			scheme, _, ok := r.Target()
			if !r.Enabled || !ok || !webSocketRoute(r, scheme) {
				continue
			}
			cleared := false
			for _, sv := range r.ServerVariables {
				if strings.EqualFold(sv.Name, "HTTP_SEC_WEBSOCKET_EXTENSIONS") && strings.TrimSpace(sv.Value) == "" {
					cleared = true
				}
			}
			if cleared {
				continue
			}
			farm := ""
			if f := p.TargetFarm(r); f != nil {
				farm = f.Name
			}
			p.Reportf(r.ValueSpan("name"), farm,
				"rule %q looks like a WebSocket route and passes Sec-WebSocket-Extensions on: ARR 3 does not support permessage-deflate (community reports), "+
					"so if the backend accepts it the connection breaks after the upgrade; set HTTP_SEC_WEBSOCKET_EXTENSIONS to \"\" in the rule", r.Name)
		}
	},
}

var webSocketPattern = regexp.MustCompile(`(?i)(^|[^a-z])(ws|wss|websockets?|socket\.io|signalr)([^a-z]|$)`)

// webSocketRoute guesses whether rule r carries WebSocket connections.
func webSocketRoute(r *schema.Rule, scheme string) bool {
	if scheme == "ws" || scheme == "wss" {
		return true
	}
	if !proxyScheme(scheme) {
		return false
	}
	for _, c := range r.Conditions.Items {
		if !c.Negate && strings.Contains(strings.ToUpper(c.Input), "{HTTP_UPGRADE}") && strings.Contains(strings.ToLower(c.Pattern), "websocket") {
			return true
		}
	}
	return !r.Match.Negate && webSocketPattern.MatchString(r.Match.URL)
}
