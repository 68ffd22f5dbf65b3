package rules

import (
	"regexp"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// StreamingResponseBuffered notes streaming routes (server-sent events)
// whose responses ARR buffers.
var StreamingResponseBuffered = &lint.Rule{
	ID:       "ARR5005",
	Slug:     "streaming-response-buffered",
	Title:    "a streaming route while ARR buffers responses",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "ARR keeps up to `responseBufferLimit` KB of a response (default 4096) before it sends it on. For a " +
			"server-sent events stream, where the backend writes small events and keeps the response open, community " +
			"notes report events arriving late or in bursts, and recommend `responseBufferLimit=\"0\"` for such " +
			"routes. Microsoft's documentation describes the setting but says nothing about streaming, so the " +
			"evidence is weak: this is a note. A route counts as streaming when it tests `{HTTP_ACCEPT}` for " +
			"`text/event-stream`, or its URL pattern names `sse`, `events`, `stream` or `eventsource`.",
		Fix: "Set `responseBufferLimit=\"0\"` on the farm's `protocol` element (farm routes) or on " +
			"`system.webServer/proxy` (plain rewrites), and check that the events arrive as they are written.",
		Bad: rulesExample(webFarm, `<rule name="ARR_web_loadbalance_events" stopProcessing="true">
  <match url="^events/(.*)" />
  <action type="Rewrite" url="http://web/events/{R:1}" />
</rule>
`+webRule),
		Good: rulesExample(strings.Replace(webFarm, healthCheck, healthCheck+`<protocol responseBufferLimit="0" />
`, 1), `<rule name="ARR_web_loadbalance_events" stopProcessing="true">
  <match url="^events/(.*)" />
  <action type="Rewrite" url="http://web/events/{R:1}" />
</rule>
`+webRule),
	},
	Evidence: evidence(srcProxyPage, lint.Source{Kind: lint.FromCommunity, Ref: "public IIS/ARR notes on server-sent events recommend responseBufferLimit=\"0\" for streaming routes"},
		inferred("which routes stream is guessed from their patterns and conditions")),
	Check: func(p *lint.Pass) {
		for _, r := range p.Config.Rules {
			scheme, _, ok := r.Target()
			if !r.Enabled || !ok || !proxyScheme(scheme) || !streamingRoute(r) {
				continue
			}
			el, limit, where, farm := &p.Config.Proxy.Element, p.Config.Proxy.ResponseBufferLimit, "the global proxy", ""
			if f := p.TargetFarm(r); f != nil {
				el, limit, where, farm = &f.Protocol.Element, f.Protocol.ResponseBufferLimit, "farm "+q(f.Name), f.Name
			}
			if limit <= 0 || el.Invalid("responseBufferLimit") {
				continue
			}
			p.Report(schema.Finding{Span: r.ValueSpan("name"), Farm: farm,
				Message: "rule " + q(r.Name) + " looks like a streaming (server-sent events) route, and " + where + " buffers up to " + itoa(limit) +
					" KB of each response (responseBufferLimit): events may reach clients late or in bursts; 0 passes them on as written (community advice, not documented by Microsoft)"})
		}
	},
}

var streamingPattern = regexp.MustCompile(`(?i)(^|[^a-z])(sse|events?|stream|streaming|eventsource)([^a-z]|$)`)

// streamingRoute guesses whether rule r carries server-sent events.
func streamingRoute(r *schema.Rule) bool {
	for _, c := range r.Conditions.Items {
		if !c.Negate && strings.Contains(strings.ToUpper(c.Input), "{HTTP_ACCEPT}") && strings.Contains(strings.ToLower(c.Pattern), "event-stream") {
			return true
		}
	}
	return !r.Match.Negate && streamingPattern.MatchString(r.Match.URL)
}
