package rules

import (
	"strconv"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// HTTPSBackendSNIOnly reports HTTPS forwarding to a backend site of this
// machine that answers TLS only for host names ARR's connection does not
// give.
var HTTPSBackendSNIOnly = &lint.Rule{
	ID:       "ARR5011",
	Slug:     "https-backend-sni-only",
	Title:    "forwarding over https to a backend whose bindings require SNI",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "An HTTPS binding with `sslFlags` 1 or 3 (\"Require Server Name Indication\") answers the TLS " +
			"handshake only for a client that names the binding's host. ARR connects to the server's address " +
			"(`localhost`, `127.0.0.1`, or the host of a plain rewrite URL), and that address, not the public " +
			"host name, is what its handshake can name: when every https binding on the backend's port requires " +
			"SNI for another host, the handshake fails and each request gets 502.3 with \"A security error " +
			"occurred\" (12175), as a Microsoft support case with SNI-bound backends showed. arrfarm can see this " +
			"only when the backend's bindings are in the files: a site of this machine reached on a loopback " +
			"address, its `<sites>` in the applicationHost.config linted.",
		Fix: "Give the backend site an https binding on that port without the SNI requirement (the default " +
			"certificate for the address:port, `sslFlags=\"0\"`), or one whose host is the name ARR connects " +
			"to, or forward over `http://` to a site on the same machine (SSL offloading).",
		Bad:  sniExample("1"),
		Good: sniExample("0"),
	},
	Evidence: evidence(
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft IIS support blog, \"ARR Configuration for backend sites with SNI binding on IIS\" (2021): backends with SNI https bindings for the public host name gave 502.3 \"A security error occurred\"; the network trace showed the TLS negotiation between ARR and the backend failing"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Server Name Indication (SNI) with IIS 8\" (IIS support blog, kaushal): with SNI the server picks the certificate by the host name in the client hello; without a match there is no certificate for the connection"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, WinHTTP error messages: 12175 ERROR_WINHTTP_SECURE_FAILURE"},
		inferred("the name ARR's handshake carries is the server address it connects to, not the farm's hostName or the client's Host header")),
	Check: func(p *lint.Pass) {
		if len(p.Config.Sites) == 0 {
			return
		}
		reported := map[*schema.Binding]bool{}
		report := func(r *schema.Rule, farm, addr string, port int64) {
			b := sniOnly(p.Config.Sites, port, addr)
			if b == nil || reported[b] {
				return
			}
			reported[b] = true
			_, host, _ := b.Port()
			p.Report(schema.Finding{Span: b.ValueSpan("sslFlags"), Farm: farm,
				Related: []schema.Related{{Span: r.Action.ValueSpan("url"), Message: "rule " + q(r.Name) + " forwards over https here"}},
				Message: "rule " + q(r.Name) + " forwards over HTTPS to " + q(addr) + " port " + strconv.FormatInt(port, 10) +
					", where the only https binding requires SNI for " + q(host) + " (sslFlags " + q(b.SSLFlags) + "): ARR's handshake names " + q(addr) +
					", so it fails and requests get 502.3 \"A security error occurred\""})
		}
		for _, r := range p.Config.Rules {
			scheme, host, ok := r.Target()
			if !r.Enabled || !ok || scheme != "https" {
				continue
			}
			if f := p.TargetFarm(r); f != nil {
				if !f.Enabled {
					continue
				}
				for _, s := range p.EnabledServers(f) {
					if isLoopback(s.Address) && !s.ARR.Invalid("httpsPort") {
						report(r, f.Name, s.Address, s.ARR.HTTPSPort)
					}
				}
				continue
			}
			_, _, portText, ok := urlHost(r.Action.URL)
			if !ok || !isLoopback(host) {
				continue
			}
			port := int64(443)
			if portText != "" {
				n, err := strconv.ParseInt(portText, 10, 64)
				if err != nil {
					continue
				}
				port = n
			}
			report(r, "", host, port)
		}
	},
}

// sniOnly returns the first https binding on port when every https binding
// there requires SNI for a host other than addr; nil otherwise (no binding
// known, or one that answers addr or any name).
func sniOnly(sites []*schema.Site, port int64, addr string) *schema.Binding {
	var first *schema.Binding
	for _, s := range sites {
		for _, b := range s.Bindings {
			bp, host, ok := b.Port()
			if !ok || bp != port || !strings.EqualFold(b.Protocol, "https") {
				continue
			}
			if !b.RequiresSNI() || host == "" || strings.EqualFold(host, addr) || b.Invalid("sslFlags") {
				return nil
			}
			if first == nil {
				first = b
			}
		}
	}
	return first
}

// sniExample is ARR and an HTTPS backend site on one machine: the Default
// Web Site (port 443) forwards over https to localhost:8443, where the app
// site's binding has the given sslFlags.
func sniExample(flags string) string {
	return `<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <bindings>
          <binding protocol="https" bindingInformation="*:443:" sslFlags="0" />
        </bindings>
      </site>
      <site name="app" id="2">
        <bindings>
          <binding protocol="https" bindingInformation="*:8443:app.contoso.com" sslFlags="` + flags + `" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
  <webFarms>
    <webFarm name="web">
      <server address="localhost">
        <applicationRequestRouting httpsPort="8443" />
      </server>
      <applicationRequestRouting>
        <healthCheck url="https://app.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite>
      <globalRules>
        <rule name="ARR_web_loadbalance_SSL" patternSyntax="Wildcard" stopProcessing="true">
          <match url="*" />
          <conditions>
            <add input="{SERVER_PORT}" pattern="443" />
          </conditions>
          <action type="Rewrite" url="https://web/{R:0}" />
        </rule>
      </globalRules>
    </rewrite>
  </system.webServer>
</configuration>
`
}
