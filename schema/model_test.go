package schema

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func load(t testing.TB, name, src string) *Document {
	t.Helper()
	doc, err := Load(name, []byte(src), Options{})
	require.NoError(t, err)
	return doc
}

// A farm with no attributes gets exactly the defaults of arr-reference.md
// section 1 (the values IIS's schema files declare).
func TestDefaultsFromReference(t *testing.T) {
	doc := load(t, "applicationHost.config", `<configuration><webFarms><webFarm name="web"><server address="10.0.0.1"/></webFarm></webFarms></configuration>`)
	require.Empty(t, doc.Findings)
	cfg := doc.Config
	f := cfg.Farms[0]
	assert.True(t, f.Enabled)
	assert.Equal(t, 30*time.Second, f.Protocol.Timeout, "farm timeout 30 s")
	assert.Equal(t, 2*time.Minute, cfg.Proxy.Timeout, "global proxy timeout 2 min")
	assert.False(t, cfg.Proxy.Enabled)
	assert.True(t, f.Protocol.PreserveHostHeader, "farm default true")
	assert.False(t, cfg.Proxy.PreserveHostHeader, "global default false")
	assert.False(t, f.Protocol.ReverseRewriteHostInResponseHeaders)
	assert.True(t, cfg.Proxy.ReverseRewriteHostInResponseHeaders)
	assert.Equal(t, "PassThrough", f.Protocol.HTTPVersion)
	assert.Equal(t, int64(4096), f.Protocol.ResponseBufferLimit)
	assert.Equal(t, int64(10), f.Protocol.MaxForwards)
	assert.Equal(t, 100*time.Millisecond, f.Protocol.Cache.RequestConsolidationTimeout)
	hc := f.HealthCheck
	assert.Equal(t, "", hc.URL, "no URL test")
	assert.Equal(t, 30*time.Second, hc.Interval)
	assert.Equal(t, 30*time.Second, hc.Timeout)
	assert.Equal(t, "200-399", hc.StatusCodeMatch)
	assert.Equal(t, "500-", hc.LiveTrafficFailureCodes)
	assert.Equal(t, int64(10), hc.MaxLiveTrafficFailures)
	assert.Equal(t, time.Duration(0), hc.LiveTrafficFailurePeriod)
	assert.Equal(t, int64(0), hc.MinServers)
	assert.Equal(t, int64(3), hc.Retries)
	assert.False(t, f.Affinity.UseCookie)
	assert.Equal(t, "ARRAffinity", f.Affinity.CookieName)
	assert.Equal(t, 20*time.Minute, f.Affinity.Timeout)
	assert.Equal(t, "WeightedRoundRobin", f.LoadBalancing.Algorithm)
	assert.Equal(t, 5*time.Second, f.LoadBalancing.LeastResponseTimePeriod)
	s := f.Servers[0]
	assert.True(t, s.Enabled)
	assert.Equal(t, int64(100), s.ARR.Weight)
	assert.Equal(t, int64(80), s.ARR.HTTPPort)
	assert.Equal(t, int64(443), s.ARR.HTTPSPort)
	assert.False(t, f.HealthCheck.Present)
	assert.False(t, f.Protocol.Has("timeout"))
	assert.Equal(t, f.ARR.Span, f.Protocol.ValueSpan("timeout"), "a default points at the nearest written element")
}

// modelSpecs pairs each model struct with the schema element it mirrors.
func modelSpecs(t *testing.T) map[reflect.Type]*ElemSpec {
	out := map[reflect.Type]*ElemSpec{}
	for typ, path := range elementPaths {
		spec := specOf(typ)
		require.NotNil(t, spec, "%s: no element %s in arr.cue", typ, path)
		out[typ] = spec
	}
	require.Len(t, out, 34, "every model struct with attributes")
	return out
}

// The Go model and the CUE schema name the same attributes with matching
// types: CUE stays the single source of truth.
func TestModelMatchesSchema(t *testing.T) {
	goType := map[ValueType][]reflect.Type{
		TypeString:   {reflect.TypeOf(""), reflect.TypeOf(Secret{})},
		TypeEnum:     {reflect.TypeOf("")},
		TypeBool:     {reflect.TypeOf(false)},
		TypeInt:      {reflect.TypeOf(int64(0))},
		TypeTimeSpan: {reflect.TypeOf(time.Duration(0))},
	}
	for typ, spec := range modelSpecs(t) {
		plan := planFor(typ, spec)
		tagged := map[string]bool{}
		for _, p := range plan {
			require.NotNil(t, p.attr, "%s field tagged %q has no attribute in arr.cue at %s", typ, p.name, spec.Path)
			f := typ.FieldByIndex(p.index)
			assert.Contains(t, goType[p.attr.Type], f.Type, "%s.%s: schema type %v", typ, f.Name, p.attr.Type)
			assert.Equal(t, p.attr.Secret, f.Type == reflect.TypeOf(Secret{}), "%s.%s: secrets are held as Secret", typ, f.Name)
			tagged[p.name] = true
		}
		for _, n := range spec.AttrNames {
			assert.True(t, tagged[n], "attribute %s/@%s has no field in %s", spec.Path, n, typ)
		}
	}
}

// The Go checks compiled from the CUE constraints agree with CUE itself.
func TestCompiledChecksAgreeWithCUE(t *testing.T) {
	sch, err := Compiled()
	require.NoError(t, err)
	probes := map[ValueType][]any{
		TypeBool:     {true, false},
		TypeInt:      {int64(-1), int64(0), int64(1), int64(2), int64(59), int64(60), int64(100), int64(255), int64(256), int64(299), int64(300), int64(307), int64(308), int64(999), int64(1000), int64(32767), int64(32768), int64(65535), int64(65536), int64(4194303), int64(4194304), int64(4294967295), int64(4294967296)},
		TypeTimeSpan: {0.0, 0.1, 0.5, 1.0, 59.0, 60.0, 61.0, 120.0, 86400.0, 86401.0, 2592000.0, 2592060.0, -1.0},
		TypeString:   {"", " ", "a", "web", "a/b", "a?b", "200-399", "500-", "200,302", "99", "abc-", "200-399,404", "[enc:x:enc]"},
		TypeEnum:     {"", "Replace", "RoundRobin", "WeightedRoundRobin", "MatchAll", "Pattern"},
	}
	checked := 0
	var walk func(e *ElemSpec)
	walk = func(e *ElemSpec) {
		for _, n := range e.AttrNames {
			a := e.Attrs[n]
			if a.check == nil {
				continue
			}
			for _, x := range probes[a.Type] {
				assert.Equal(t, a.cueValid(x), a.check(x), "%s/@%s with %#v", e.Path, n, x)
				checked++
			}
		}
		for _, c := range e.ElemNames {
			walk(e.Elems[c])
		}
	}
	walk(sch.Doc)
	assert.Greater(t, checked, 500)
}

func TestRoundTripXMLYAMLXML(t *testing.T) {
	for _, name := range validCorpus {
		t.Run(name, func(t *testing.T) {
			doc := loadFixture(t, name)
			var y bytes.Buffer
			_, err := WriteYAML(&y, doc.Config)
			require.NoError(t, err)
			ydoc := load(t, "converted.yaml", y.String())
			requireNoErrors(t, ydoc, y.String())
			var x bytes.Buffer
			_, err = WriteXML(&x, ydoc.Config)
			require.NoError(t, err)
			xdoc := load(t, "converted.config", x.String())
			requireNoErrors(t, xdoc, x.String())
			assert.Equal(t, canonicalModel(doc.Config), canonicalModel(ydoc.Config), "XML -> YAML:\n%s", y.String())
			assert.Equal(t, canonicalModel(doc.Config), canonicalModel(xdoc.Config), "YAML -> XML:\n%s", x.String())
		})
	}
}

func requireNoErrors(t *testing.T, doc *Document, src string) {
	t.Helper()
	for _, f := range doc.Findings {
		require.NotEqual(t, Error, f.Severity, "%s: %s\n%s", f.Span, f.Message, src)
	}
}

// canonicalModel prints a model without positions, presence, file name or
// format: what the configuration means, not where it was written.
func canonicalModel(cfg *Config) string {
	var b strings.Builder
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeOf(Element{}) || v.Type() == reflect.TypeOf(Span{}) {
				return
			}
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				// Sites, application pools and authentication are read for
				// lint (what a backend on this machine answers, what restarts
				// ARR's worker process); conversion does not carry them.
				if !f.IsExported() || f.Name == "File" || f.Name == "Format" || f.Name == "Kind" ||
					(v.Type() == reflect.TypeOf(Config{}) && (f.Name == "Sites" || f.Name == "Auth" || strings.HasPrefix(f.Name, "AllowedServerVariables") || f.Name == "OutboundRules" || f.Name == "AspNetCore" || f.Name == "ASPNET" || f.Name == "RequestLimits" || f.Name == "URLCompression" ||
						f.Name == "SiteAppDefaults" || strings.HasPrefix(f.Name, "AppPool"))) {
					continue
				}
				walk(v.Field(i), path+"."+f.Name)
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		default:
			fmt.Fprintf(&b, "%s=%v\n", path, v.Interface())
		}
	}
	walk(reflect.ValueOf(cfg), "")
	return b.String()
}

func TestYAMLForm(t *testing.T) {
	src := `proxy: {enabled: true, timeout: 2m}
farms:
  - name: web
    servers:
      - {address: 10.0.0.11}
      - {address: 10.0.0.12, applicationRequestRouting: {weight: 200, httpPort: 8080}}
    applicationRequestRouting:
      protocol: {timeout: 45s}
      healthCheck: {url: "http://web/health", interval: 10s, timeout: "00:00:05", minServers: 1}
      loadBalancing: {algorithm: WeightedRoundRobin}
      affinity: {useCookie: true}
rules:
  - {name: ARR_web_loadbalance, patternSyntax: Wildcard, match: {url: "*"},
     action: {type: Rewrite, url: "http://web/{R:0}"}, stopProcessing: true}
`
	doc := load(t, "farms.yaml", src)
	require.Empty(t, doc.Findings, dump(doc.Findings))
	cfg := doc.Config
	require.Len(t, cfg.Farms, 1)
	f := cfg.Farms[0]
	assert.Equal(t, 45*time.Second, f.Protocol.Timeout)
	assert.Equal(t, 10*time.Second, f.HealthCheck.Interval)
	assert.Equal(t, 5*time.Second, f.HealthCheck.Timeout)
	assert.Equal(t, int64(200), f.Servers[1].ARR.Weight)
	assert.Equal(t, int64(8080), f.Servers[1].ARR.HTTPPort)
	assert.True(t, cfg.Proxy.Enabled)
	assert.Equal(t, 2*time.Minute, cfg.Proxy.Timeout)
	require.Len(t, cfg.Rules, 1)
	assert.Same(t, f, cfg.Rules[0].TargetFarm(cfg))
	// Positions point into the YAML text: "45s" is on line 8.
	sp := f.Protocol.ValueSpan("timeout")
	assert.Equal(t, 8, sp.Start.Line)
	assert.Equal(t, "45s", src[sp.Start.Offset:sp.End.Offset])
}

func TestYAMLErrorsArePositioned(t *testing.T) {
	src := "farms:\n  - name: web\n    servers:\n      - {address: a, weight: 5}\n    applicationRequestRouting:\n      protocol: {timeout: 30}\n      loadBalance: {algorithm: RoundRobin}\nfarm: {}\n"
	doc := load(t, "bad.yaml", src)
	got := dump(doc.Findings)
	assert.Contains(t, got, "4:22 unknown-attribute unknown attribute weight on server")
	assert.Contains(t, got, `6:27 invalid-value invalid timeout="30" on protocol: write 30s for seconds`)
	assert.Contains(t, got, "7:7 unknown-element unknown element loadBalance")
	assert.Contains(t, got, "did you mean loadBalancing?")
	assert.Contains(t, got, "8:1 unknown-element unknown top-level key farm: did you mean farms?")

	doc = load(t, "broken.yaml", "farms: [\n  {name: web\n")
	require.Len(t, doc.Findings, 1)
	assert.Equal(t, RuleYAMLMalformed, doc.Findings[0].Rule)
	assert.False(t, doc.Findings[0].Span.IsZero())
}

// Secret values never reach any output: findings, YAML or XML.
func TestSecretsNeverEchoed(t *testing.T) {
	src := `<configuration>
  <webFarms>
    <webFarm name="web" adminUserName="admin" adminPassword="[enc:AesProvider:TOPSECRET1:enc]">
      <server address="a" />
      <applicationRequestRouting>
        <protocol clientCertPassword="TOPSECRET2" timeout="[enc:AesProvider:TOPSECRET3:enc]" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
</configuration>`
	doc := load(t, "applicationHost.config", src)
	var out bytes.Buffer
	for _, f := range doc.Findings {
		out.WriteString(f.Message + "\n")
		for _, r := range f.Related {
			out.WriteString(r.Message + "\n")
		}
	}
	n1, err := WriteYAML(&out, doc.Config)
	require.NoError(t, err)
	n2, err := WriteXML(&out, doc.Config)
	require.NoError(t, err)
	assert.Equal(t, 2, n1, "two secrets redacted")
	assert.Equal(t, 2, n2)
	assert.NotContains(t, out.String(), "TOPSECRET")
	assert.Contains(t, out.String(), "invalid timeout=(an encrypted value)")
	assert.True(t, doc.Config.Farms[0].WFF.AdminPassword.Encrypted)
}

func TestPositionsAndEncodings(t *testing.T) {
	base := "<configuration>\n  <webFarms>\n    <webFarm name=\"web\">\n      <server\n          address=\"a\" enabled=\"maybe\" />\n    </webFarm>\n  </webFarms>\n</configuration>\n"
	check := func(t *testing.T, src []byte) {
		doc, err := Load("applicationHost.config", src, Options{})
		require.NoError(t, err)
		require.Len(t, doc.Findings, 1, dump(doc.Findings))
		f := doc.Findings[0]
		assert.Equal(t, RuleInvalidValue, f.Rule)
		assert.Equal(t, 5, f.Span.Start.Line, "the attribute sits on a continuation line")
		assert.Equal(t, 32, f.Span.Start.Col)
		assert.Contains(t, f.Message, `expected "true" or "false"`)
		srv := doc.Config.Farms[0].Servers[0]
		assert.Equal(t, 4, srv.Span.Start.Line)
		assert.Equal(t, 5, srv.ValueSpan("address").Start.Line)
	}
	t.Run("utf8", func(t *testing.T) { check(t, []byte(base)) })
	t.Run("bom+crlf", func(t *testing.T) {
		check(t, append([]byte{0xEF, 0xBB, 0xBF}, strings.ReplaceAll(base, "\n", "\r\n")...))
	})
	t.Run("utf16le", func(t *testing.T) {
		src := []byte{0xFF, 0xFE}
		for _, r := range `<?xml version="1.0" encoding="utf-16"?>` + "\n" + base {
			src = append(src, byte(r), byte(r>>8))
		}
		doc, err := Load("applicationHost.config", src, Options{})
		require.NoError(t, err)
		require.Len(t, doc.Findings, 1, dump(doc.Findings))
		assert.Equal(t, 6, doc.Findings[0].Span.Start.Line)
	})
	t.Run("utf16be", func(t *testing.T) {
		src := []byte{0xFE, 0xFF}
		for _, r := range base {
			src = append(src, byte(r>>8), byte(r))
		}
		check(t, src)
	})
}

func TestHostileInputs(t *testing.T) {
	cases := map[string]string{
		"not xml":      "this is not a configuration",
		"truncated":    "<configuration><webFarms><webFarm name=\"web\"><server address=",
		"garbage":      "\x00\x01\x02\xff\xfe\x80<<<>>>",
		"unclosed":     "<configuration><webFarms></configuration>",
		"empty":        "",
		"only comment": "<!-- nothing -->",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			doc, err := Load("applicationHost.config", []byte(src), Options{Format: ptr(XML)})
			require.NoError(t, err)
			require.NotEmpty(t, doc.Findings)
			for _, f := range doc.Findings {
				assert.False(t, f.Span.IsZero())
			}
		})
	}
	t.Run("deep nesting", func(t *testing.T) {
		src := strings.Repeat("<configuration>", 100000) + strings.Repeat("</configuration>", 100000)
		doc, err := Load("applicationHost.config", []byte(src), Options{})
		require.NoError(t, err)
		require.NotEmpty(t, doc.Findings)
		src = "<configuration><webFarms>" + strings.Repeat("<webFarm name=\"x\">", 100000) + strings.Repeat("</webFarm>", 100000) + "</webFarms></configuration>"
		doc, err = Load("applicationHost.config", []byte(src), Options{})
		require.NoError(t, err)
		assert.Contains(t, dump(doc.Findings), "nested deeper than")
	})
	t.Run("1 MB attribute", func(t *testing.T) {
		src := `<webFarms><webFarm name="web"><server address="` + strings.Repeat("a", 1<<20) + `" enabled="nope"/></webFarm></webFarms>`
		doc, err := Load("applicationHost.config", []byte(src), Options{})
		require.NoError(t, err)
		require.Len(t, doc.Findings, 1)
		assert.Equal(t, 47+1<<20+11+1, doc.Findings[0].Span.Start.Col)
	})
	t.Run("50 MB file", func(t *testing.T) {
		src := bytes.Repeat([]byte("<!-- padding padding padding -->\n"), 50<<20/33)
		doc, err := Load("applicationHost.config", src, Options{})
		require.NoError(t, err)
		require.Len(t, doc.Findings, 1)
		assert.Contains(t, doc.Findings[0].Message, "larger than 32 MiB")
		assert.Equal(t, 1, doc.Findings[0].Span.Start.Line)
	})
}

func ptr[T any](v T) *T { return &v }

func TestDuplicateKeys(t *testing.T) {
	doc := load(t, "applicationHost.config", `<configuration><webFarms>
<webFarm name="web"><server address="a"/><server address="A"/></webFarm>
<webFarm name="Web"><server address="b"/><applicationRequestRouting><protocol/><protocol/></applicationRequestRouting></webFarm>
</webFarms></configuration>`)
	got := dump(doc.Findings)
	assert.Contains(t, got, `2:59 duplicate-key duplicate server address in farm "web": "A"`)
	assert.Contains(t, got, `3:16 duplicate-key duplicate farm name "Web"`)
	assert.Contains(t, got, "protocol appears twice")
	for _, f := range doc.Findings {
		assert.NotEmpty(t, f.Related, "points at the first occurrence")
	}
}

func TestSuppressionScope(t *testing.T) {
	src := "<configuration><webFarms>\n<!-- arrfarm:ignore no-health-check farm is probed by the monitor -->\n<webFarm name=\"web\">\n<server address=\"a\"/>\n</webFarm>\n<!-- arrfarm:ignore unknown-element -->\n</webFarms></configuration>"
	doc := load(t, "applicationHost.config", src)
	require.Len(t, doc.Suppressions, 2)
	s := doc.Suppressions[0]
	assert.Equal(t, "no-health-check", s.Rule)
	assert.Equal(t, "farm is probed by the monitor", s.Reason)
	assert.Equal(t, 3, s.Scope.Start.Line)
	assert.Equal(t, 5, s.Scope.End.Line)
	assert.Equal(t, "", doc.Suppressions[1].Reason)
	assert.True(t, doc.Suppressions[1].Scope.IsZero(), "stands before no element")

	y := load(t, "farms.yaml", "farms:\n  # arrfarm:ignore no-health-check checked elsewhere\n  - name: web\n    servers: [{address: a}]\n")
	require.Len(t, y.Suppressions, 1)
	assert.Equal(t, "checked elsewhere", y.Suppressions[0].Reason)
	assert.Equal(t, 3, y.Suppressions[0].Scope.Start.Line)
}

func TestWFFIsInfo(t *testing.T) {
	doc := loadFixture(t, "iisdocs-wff2-webfarms-provisioning-extension.xml")
	require.Len(t, doc.Findings, 1)
	assert.Equal(t, Info, doc.Findings[0].Severity)
	assert.Equal(t, RuleWFFSetting, doc.Findings[0].Rule)
	f := doc.Config.Farms[0]
	assert.False(t, f.ServerAutoStart)
	assert.Equal(t, "demo-primary", f.WFF.PrimaryServer)
	assert.False(t, f.WFF.AdminPassword.Set, "an empty password is no secret")
}

func TestDescribeRanges(t *testing.T) {
	doc := load(t, "applicationHost.config", `<webFarm name="w"><server address="a"><applicationRequestRouting weight="0" httpPort="70000"/></server><applicationRequestRouting><affinity timeout="00:01:30"/><protocol timeout="00:00:00"/></applicationRequestRouting></webFarm>`)
	got := dump(doc.Findings)
	assert.Contains(t, got, `invalid weight="0" on applicationRequestRouting: expected an integer from 1 to 4294967295`)
	assert.Contains(t, got, `invalid httpPort="70000"`)
	assert.Contains(t, got, `invalid timeout="00:01:30" on affinity: expected a time span (hh:mm:ss) in whole minutes from 00:01:00 to 30.00:00:00`)
	assert.Contains(t, got, `invalid timeout="00:00:00" on protocol: expected a time span (hh:mm:ss) from 00:00:01 to 1.00:00:00`)
}

func TestYAMLEdgeCases(t *testing.T) {
	doc := load(t, "farms.yaml", "\r\r00")
	require.Len(t, doc.Findings, 1)
	assert.Contains(t, doc.Findings[0].Message, "carriage return without a line feed")

	doc = load(t, "farms.yaml", "farms:\n  - name: web\n    servers: [a\n  - name: b\n")
	require.Len(t, doc.Findings, 1)
	assert.Equal(t, RuleYAMLMalformed, doc.Findings[0].Rule)
	assert.Equal(t, 3, doc.Findings[0].Span.Start.Line, "the line of the unclosed bracket: %s", doc.Findings[0].Message)

	src := "farms:\n  - name: web\n    # arrfarm:ignore unknown-element kept for the old agent\n    agent: {x: 1}\n    servers: [{address: a}]\n"
	doc = load(t, "farms.yaml", src)
	require.Len(t, doc.Suppressions, 1)
	s := doc.Suppressions[0]
	assert.Equal(t, 3, s.Span.Start.Line, "the comment's own line")
	assert.Equal(t, "# arrfarm:ignore unknown-element kept for the old agent", src[s.Span.Start.Offset:s.Span.End.Offset])
	assert.Equal(t, 4, s.Scope.Start.Line)
}

func TestSuppressionBeforeSkippedElement(t *testing.T) {
	src := "<configuration><webFarms><webFarm name=\"w\"><server address=\"a\"/>\n<!-- arrfarm:ignore unknown-element migration tool reads it -->\n<agentSettings x=\"1\"/>\n</webFarm></webFarms></configuration>"
	doc := load(t, "applicationHost.config", src)
	require.Len(t, doc.Suppressions, 1)
	assert.Equal(t, 3, doc.Suppressions[0].Scope.Start.Line)
	require.Len(t, doc.Findings, 1)
	assert.Equal(t, RuleUnknownElement, doc.Findings[0].Rule)
	assert.Equal(t, 3, doc.Findings[0].Span.Start.Line)
}

func TestSetAttribute(t *testing.T) {
	doc := load(t, "farms.yaml", "farms:\n  - name: web\n    servers: [{address: a}]\n")
	f := doc.Config.Farms[0]
	at := Span{File: "--set"}
	require.NoError(t, SetAttribute(&f.Protocol, "timeout", "45s", at))
	assert.Equal(t, 45*time.Second, f.Protocol.Timeout)
	assert.True(t, f.Protocol.Has("timeout"), "counts as written")
	require.NoError(t, SetAttribute(&f.HealthCheck, "interval", "00:00:05", at))
	assert.Equal(t, 5*time.Second, f.HealthCheck.Interval)
	require.NoError(t, SetAttribute(&f.Servers[0].ARR, "weight", "200", at))
	assert.Equal(t, int64(200), f.Servers[0].ARR.Weight)
	require.NoError(t, SetAttribute(&f.LoadBalancing, "algorithm", "LeastRequests", at))
	assert.Equal(t, "LeastRequests", f.LoadBalancing.Algorithm)

	assert.ErrorContains(t, SetAttribute(&f.Protocol, "timeout", "0s", at), "from 00:00:01 to 1.00:00:00")
	assert.ErrorContains(t, SetAttribute(&f.LoadBalancing, "algorithm", "RoundRobin", at), `expected one of "WeightedRoundRobin"`)
	assert.ErrorContains(t, SetAttribute(&f.LoadBalancing, "algorithm", "LeastRequest", at), `did you mean "LeastRequests"?`)
	assert.ErrorContains(t, SetAttribute(&f.Protocol, "timeot", "1s", at), "has no attribute")
	assert.ErrorContains(t, SetAttribute(&f.Protocol, "clientCertPassword", "x", at), "secret")
	assert.ErrorContains(t, SetAttribute(f.Protocol, "timeout", "1s", at), "not a model element")
}

// Rule names are unique within one collection only: the global rules, or
// the rules of one location.
func TestDuplicateRuleNames(t *testing.T) {
	doc := load(t, "applicationHost.config", `<configuration>
<system.webServer><rewrite><globalRules>
<rule name="R"><match url="a"/></rule>
<rule name="r"><match url="b"/></rule>
</globalRules></rewrite></system.webServer>
<location path="a"><system.webServer><rewrite><rules>
<rule name="r"><match url="c"/></rule>
<rule name="x"><match url="d"/></rule>
<rule name="X"><match url="e"/></rule>
</rules></rewrite></system.webServer></location>
<location path="b"><system.webServer><rewrite><rules>
<rule name="x"><match url="f"/></rule>
</rules></rewrite></system.webServer></location>
</configuration>`)
	var got []string
	for _, f := range doc.Findings {
		if f.Rule == RuleDuplicateKey {
			require.Len(t, f.Related, 1)
			got = append(got, fmt.Sprintf("%d:%d %s (first at %d)", f.Span.Start.Line, f.Span.Start.Col, f.Message, f.Related[0].Span.Start.Line))
		}
	}
	assert.Equal(t, []string{
		`4:13 duplicate rule name "r": IIS rejects the configuration (keys must be unique) (first at 3)`,
		`9:13 duplicate rule name "X": IIS rejects the configuration (keys must be unique) (first at 8)`,
	}, got)
}

// A YAML comment written between two items less indented than they are
// (CUE hangs it on the item before it) is found on its own line and
// stands before the next item; one after the last item stands before
// nothing.
func TestYAMLSuppressionBetweenItems(t *testing.T) {
	y := load(t, "farms.yaml", "farms:\n  - name: b\n    servers: [{address: x}]\n"+
		"# arrfarm:ignore no-health-check a is probed elsewhere\n  - name: a\n    servers: [{address: y}]\n"+
		"# arrfarm:ignore no-health-check after the last\n")
	require.Len(t, y.Suppressions, 2)
	s := y.Suppressions[0]
	assert.Equal(t, "a is probed elsewhere", s.Reason)
	assert.Equal(t, [2]int{4, 1}, [2]int{s.Span.Start.Line, s.Span.Start.Col}, "the comment's own position")
	assert.Equal(t, 5, s.Scope.Start.Line, "scope: the item after it")
	assert.GreaterOrEqual(t, s.Scope.End.Line, 6, "the whole item (CUE ends the last item at the end of the file)")
	assert.Equal(t, 7, y.Suppressions[1].Span.Start.Line)
	assert.True(t, y.Suppressions[1].Scope.IsZero(), "stands before no element")
}

// Comments CUE hangs on a top-level key (above it) or on a location item
// reach the builder too: they used to be dropped without a word.
func TestYAMLSuppressionsOnKeysAndLocations(t *testing.T) {
	y := load(t, "farms.yaml", "# arrfarm:ignore no-health-check probed by the monitor\nfarms:\n  - name: b\n"+
		"locations:\n  # arrfarm:ignore route-to-unknown-farm legacy site\n  - path: site\n    rules:\n      - name: r\n")
	require.Len(t, y.Suppressions, 2)
	assert.Equal(t, 1, y.Suppressions[0].Span.Start.Line)
	assert.Equal(t, 2, y.Suppressions[0].Scope.Start.Line, "scope: the farms")
	assert.Equal(t, 5, y.Suppressions[1].Span.Start.Line)
	assert.Equal(t, 6, y.Suppressions[1].Scope.Start.Line, "scope: the location")
}

// TestXMLDeclarationPosition: XML 1.0 allows the declaration only as the
// document's first bytes (a byte-order mark aside); encoding/xml accepts it
// anywhere, so the reader checks.
func TestXMLDeclarationPosition(t *testing.T) {
	const decl = `<?xml version="1.0" encoding="UTF-8"?>`
	const body = "<configuration>\n  <webFarms />\n</configuration>\n"
	for _, c := range []struct {
		name, src  string
		line, col  int
		want       string
		wellFormed bool
	}{
		{name: "first", src: decl + "\n" + body, wellFormed: true},
		{name: "after a BOM", src: "\xEF\xBB\xBF" + decl + "\n" + body, wellFormed: true},
		{name: "after a blank line", src: "\n" + decl + "\n" + body, line: 2, col: 1, want: "blank space comes before it"},
		{name: "after spaces", src: "  " + decl + "\n" + body, line: 1, col: 3, want: "blank space comes before it"},
		{name: "after a comment", src: "<!-- farm settings -->\n" + decl + "\n" + body, line: 2, col: 1, want: "a comment or an element"},
		{name: "twice", src: decl + "\n" + decl + "\n" + body, line: 2, col: 1, want: "a second XML declaration"},
		{name: "inside the root", src: "<configuration>\n  " + decl + "\n</configuration>\n", line: 2, col: 3, want: "a comment or an element"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := Load("applicationHost.config", []byte(c.src), Options{})
			require.NoError(t, err)
			if c.wellFormed {
				assert.Empty(t, doc.Findings, dump(doc.Findings))
				return
			}
			require.Len(t, doc.Findings, 1, dump(doc.Findings))
			f := doc.Findings[0]
			assert.Equal(t, RuleXMLMalformed, f.Rule)
			assert.Equal(t, Error, f.Severity)
			assert.Equal(t, c.line, f.Span.Start.Line)
			assert.Equal(t, c.col, f.Span.Start.Col)
			assert.Contains(t, f.Message, c.want)
		})
	}
}
