package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// OutboundBodyRewriteCompressed notes outbound rules that rewrite proxied
// response bodies while nothing keeps the backend from compressing them.
var OutboundBodyRewriteCompressed = &lint.Rule{
	ID:       "ARR5009",
	Slug:     "outbound-body-rewrite-compressed",
	Title:    "an outbound rule rewrites proxied bodies a backend may compress",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "URL Rewrite cannot rewrite a response body that is already compressed: when a backend answers a " +
			"proxied request with `Content-Encoding: gzip`, an outbound rule that matches the body (no " +
			"`serverVariable`, usually with `filterByTags`) fails and the client gets HTTP 500.52 (\"Outbound " +
			"rewrite rules cannot be applied when the content of the HTTP response is encoded\"). A backend " +
			"compresses when the request's Accept-Encoding allows it, and ARR passes the browser's header on. " +
			"Whether a backend compresses is not in the files arrfarm reads (IIS's dynamic compression is an " +
			"optional feature; Microsoft's reverse-proxy walkthrough, whose backends are plain local sites, " +
			"does not need the fix), so this is a note: it fires when the configuration proxies, has an " +
			"enabled outbound rule that rewrites bodies, and no inbound rule sets `HTTP_ACCEPT_ENCODING`, " +
			"unless every backend is a site of this machine whose `urlCompression` (dynamic and static) is " +
			"off in the files linted.",
		Fix: "Clear the header on the proxied request and restore it for the response, as Microsoft's IIS " +
			"support team describes: the inbound rule saves `{HTTP_ACCEPT_ENCODING}` in a server variable such " +
			"as `HTTP_X_ORIGINAL_ACCEPT_ENCODING` and sets `HTTP_ACCEPT_ENCODING` to empty (both need " +
			"`allowedServerVariables`), and an outbound rule puts the saved value back, so that the ARR server " +
			"can compress the rewritten response itself. Or turn compression off on the backends " +
			"(`urlCompression doDynamicCompression=\"false\" doStaticCompression=\"false\"`).",
		Bad:  compressionExample(false),
		Good: compressionExample(true),
	},
	Evidence: evidence(
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft IIS support blog (friis), \"IIS with URL Rewrite as a reverse proxy, part 2: dealing with 500.52 status codes\": URL Rewrite cannot modify a compressed response (500.52); remove Accept-Encoding on the way in and restore it on the way out, or turn compression off on the backend"},
		srcRewriteSchema,
		inferred("whether the backend compresses is not in the configuration; hence a note")),
	Check: func(p *lint.Pass) {
		proxies, uncompressed := false, true
		for _, r := range p.Config.Rules {
			if !r.Enabled {
				continue
			}
			for _, sv := range r.ServerVariables {
				if strings.EqualFold(strings.TrimSpace(sv.Name), "HTTP_ACCEPT_ENCODING") {
					return // the request's Accept-Encoding is handled
				}
			}
			if scheme, _, ok := r.Target(); ok && proxyScheme(scheme) {
				proxies = true
				uncompressed = uncompressed && backendsUncompressed(p, r)
			}
		}
		if !proxies || uncompressed {
			// Nothing proxied (the site's own responses: IIS compresses
			// after the rewrite), or every backend is a site of this
			// machine whose compression is off.
			return
		}
		for _, o := range p.Config.OutboundRules {
			if !o.Enabled || strings.TrimSpace(o.Match.ServerVariable) != "" || !strings.EqualFold(o.Action.Type, "Rewrite") {
				continue
			}
			where := "response bodies"
			span := o.Match.ValueSpan("pattern")
			if t := strings.TrimSpace(o.Match.FilterByTags); t != "" {
				where = "links in response bodies (" + t + ")"
				span = o.Match.ValueSpan("filterByTags")
			}
			if !o.Match.Present {
				span = o.ValueSpan("name")
			}
			p.Report(schema.Finding{Span: span,
				Message: "outbound rule " + q(o.Name) + " rewrites " + where + " of proxied responses, and no inbound rule sets HTTP_ACCEPT_ENCODING: " +
					"a backend that compresses its answer (gzip) makes URL Rewrite fail with 500.52"})
		}
	},
}

// backendsUncompressed reports whether every backend rule r proxies to is
// a site of this machine (given in the files) with dynamic and static
// compression turned off.
func backendsUncompressed(p *lint.Pass, r *schema.Rule) bool {
	n := 0
	for _, l := range loopbackRoutes(p) {
		if l.rule != r {
			continue
		}
		if !compressionOff(p.Config.URLCompression, l.back.Name) {
			return false
		}
		n++
	}
	if f := p.TargetFarm(r); f != nil {
		return n > 0 && n == len(p.EnabledServers(f))
	}
	return n > 0
}

// compressionOff reports whether site's responses are never compressed:
// urlCompression's doDynamicCompression and doStaticCompression in force
// at its root (its own location's, else the server level's) are both
// written false; IIS's defaults compress.
func compressionOff(all []*schema.URLCompression, site string) bool {
	dynamic, static := true, true
	var dynOwn, staticOwn bool
	for _, u := range all {
		loc := strings.Trim(u.Location, "/")
		own := strings.EqualFold(loc, site)
		if !own && loc != "" {
			continue
		}
		if u.Has("doDynamicCompression") && !u.Invalid("doDynamicCompression") && (own || !dynOwn) {
			dynamic, dynOwn = u.DoDynamicCompression, own
		}
		if u.Has("doStaticCompression") && !u.Invalid("doStaticCompression") && (own || !staticOwn) {
			static, staticOwn = u.DoStaticCompression, own
		}
	}
	return !dynamic && !static
}

// compressionExample is an applicationHost.config whose global rule
// proxies to an intranet host and whose outbound rule fixes the links;
// with fix, the inbound rule saves and clears Accept-Encoding and an
// outbound rule restores it.
func compressionExample(fix bool) string {
	var serverVariables, restore, restorePre string
	if fix {
		serverVariables = `<serverVariables>
  <set name="HTTP_X_ORIGINAL_ACCEPT_ENCODING" value="{HTTP_ACCEPT_ENCODING}" />
  <set name="HTTP_ACCEPT_ENCODING" value="" />
</serverVariables>
`
		restore = `<rule name="Restore Accept-Encoding" preCondition="NeedsRestoringAcceptEncoding">
  <match serverVariable="HTTP_ACCEPT_ENCODING" pattern="^(.*)" />
  <action type="Rewrite" value="{HTTP_X_ORIGINAL_ACCEPT_ENCODING}" />
</rule>
`
		restorePre = `<preCondition name="NeedsRestoringAcceptEncoding">
  <add input="{HTTP_X_ORIGINAL_ACCEPT_ENCODING}" pattern=".+" />
</preCondition>
`
	}
	return `<configuration>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite>
      <allowedServerVariables>
        <add name="HTTP_ACCEPT_ENCODING" />
        <add name="HTTP_X_ORIGINAL_ACCEPT_ENCODING" />
      </allowedServerVariables>
      <globalRules>
        <rule name="Reverse Proxy to webmail" stopProcessing="true">
          <match url="^webmail/(.*)" />
` + indent(serverVariables, "          ") + `          <action type="Rewrite" url="http://webmail.corp.contoso.com/{R:1}" />
        </rule>
      </globalRules>
      <outboundRules>
        <rule name="Add application prefix" preCondition="IsHTML">
          <match filterByTags="A" pattern="^/(.*)" />
          <action type="Rewrite" value="/webmail/{R:1}" />
        </rule>
` + indent(restore, "        ") + `        <preConditions>
          <preCondition name="IsHTML">
            <add input="{RESPONSE_CONTENT_TYPE}" pattern="^text/html" />
          </preCondition>
` + indent(restorePre, "          ") + `        </preConditions>
      </outboundRules>
    </rewrite>
  </system.webServer>
</configuration>
`
}
