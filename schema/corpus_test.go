package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const corpusDir = "../fixtures/corpus"

// validCorpus are the files corpus/MANIFEST.md calls valid ARR
// configuration (as written, or as fragments in their proper place).
var validCorpus = []string{
	"xwebadmin-dsc-fixture-requesthash-querystring.xml",
	"xwebadmin-dsc-fixture-weights-requesthash-servervariable.xml",
	"xwebadmin-dsc-fixture-unit-final.xml",
	"mattgillard-iis-reverse-proxy-applicationHost.config",
	"mattgillard-iis-reverse-proxy-web.config",
	"saritasa-arr-blue-green-site-web.config",
	"iisdocs-http-load-balancing-globalrules-http-https.xml",
	"iisdocs-arr-cdn-globalrules-rewritemap-farm.xml",
	"iisdocs-wff2-webfarms-provisioning-extension.xml",
	"inframole-agent-test-applicationhost-farm-and-globalrules.xml",
	"kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml",
	"nopcommerce-docs-webfarm-admin-and-arr-rules.xml",
	"netlah-echoserviceapi-site-webconfig-rule-to-web-farm-name.xml",
	"kszabelski-azurewebapparrtest-applicationHost.xdt",
}

func loadFixture(t testing.TB, name string) *Document {
	t.Helper()
	return loadFile(t, filepath.Join(corpusDir, name))
}

// loadFile loads a fixture (the command line reads files through
// internal/input, which schema may not import).
func loadFile(t testing.TB, path string) *Document {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	doc, err := Load(path, src, Options{})
	require.NoError(t, err)
	return doc
}

func TestEveryCorpusFileLoads(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 21)
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc := loadFile(t, f)
			for _, fd := range doc.Findings {
				assert.False(t, fd.Span.IsZero(), "finding without a position: %s", fd.Message)
				assert.NotEqual(t, SeverityNone, fd.Severity, fd.Message)
			}
		})
	}
}

func TestValidCorpusHasNoErrors(t *testing.T) {
	for _, name := range validCorpus {
		t.Run(name, func(t *testing.T) {
			doc := loadFixture(t, name)
			for _, f := range doc.Findings {
				assert.NotEqual(t, Error, f.Severity, "%s %s: %s", f.Span, f.Rule, f.Message)
			}
		})
	}
}

// want is one expected finding: line and column of the offending name or
// value in the fixture file, the rule, and a pattern of the message.
type want struct {
	line, col int
	rule      string
	msg       string
}

// The positions below were read off the fixture files by hand; the
// messages name what MANIFEST.md says is wrong with each file.
var brokenCorpus = map[string][]want{
	"hadvida-lb-guide-webfarm-in-systemwebserver-healthcheck-interval5.xml": {
		{6, 14, RuleUnknownElement, `enabled is an attribute of proxy, not a child element`},
		{36, 10, RuleMisplaced, `webFarms does not belong in system.webServer`},
		{38, 45, RuleUnknownAttribute, `unknown attribute port on server.*httpPort`},
		{39, 45, RuleUnknownAttribute, `port`},
		{40, 45, RuleUnknownAttribute, `port`},
		// Without the port the three servers share one address, which
		// is a unique key: found now that the misplaced webFarms is read
		// as meant.
		{39, 34, RuleDuplicateKey, `duplicate server address in farm "ApiGatewayFarm": "localhost"`},
		{40, 34, RuleDuplicateKey, `duplicate server address in farm "ApiGatewayFarm": "localhost"`},
		{42, 18, RuleMisplaced, `healthCheck does not belong in system.webServer/webFarms/webFarm: it belongs in webFarms/webFarm/applicationRequestRouting`},
		{42, 54, RuleInvalidValue, `interval="5".*5 days.*"00:00:05"`},
		{43, 18, RuleMisplaced, `loadBalancing does not belong in system.webServer/webFarms/webFarm:`},
	},
	"ghips-erp-docs-webfarm-invented-loadbalance-roundrobin.xml": {
		{7, 6, RuleUnknownElement, `loadBalance.*did you mean loadBalancing\?`},
		{7, 29, RuleInvalidValue, `algorithm="RoundRobin".*one of "WeightedRoundRobin"`},
	},
	"improvedk-wiki-farm-lowercased-misnested.xml": {
		{1, 2, RuleUnknownElement, `webfarms.*did you mean webFarms\? IIS names are case-sensitive`},
		{2, 6, RuleUnknownElement, `webfarm.*did you mean webFarm\?`},
		{5, 6, RuleUnknownElement, `applicationrequestrouting.*did you mean applicationRequestRouting\?`},
		{6, 10, RuleUnknownElement, `hostaffinityproviderlist.*did you mean hostAffinityProviderList\?`},
		{8, 14, RuleMisplaced, `add inside add`},
	},
	"hvac-perf-guide-invented-serverfarms-loadbalancing-healthcheck-elements.xml": {
		{12, 4, RuleMisplaced, `system.webServer inside system.webServer`},
		{13, 6, RuleMisplaced, `applicationRequestRouting does not belong in system.webServer/system.webServer: it belongs in webFarms/webFarm$`},
		{14, 8, RuleUnknownElement, `^unknown element serverFarms in system.webServer/system.webServer/applicationRequestRouting: did you mean webFarms\?`},
		{15, 10, RuleUnknownElement, `^unknown element serverFarm in system.webServer/system.webServer/applicationRequestRouting/serverFarms: did you mean webFarm\?`},
		{22, 10, RuleUnknownElement, `algorithm is an attribute of loadBalancing`},
		{26, 10, RuleUnknownElement, `interval is an attribute of healthCheck`},
		{27, 10, RuleUnknownElement, `timeout is an attribute of healthCheck`},
		{28, 10, RuleUnknownElement, `url is an attribute of healthCheck`},
	},
	"boxlang-docs-server-level-webconfig-proxy-and-globalrules.xml": {
		{4, 10, RuleMisplaced, `system.webServer/proxy is allowed only in applicationHost.config`},
		{6, 14, RuleMisplaced, `globalRules is allowed only in applicationHost.config`},
	},
}

func TestBrokenCorpusFindings(t *testing.T) {
	for name, wants := range brokenCorpus {
		t.Run(name, func(t *testing.T) {
			doc := loadFixture(t, name)
			for _, w := range wants {
				found := false
				re := regexp.MustCompile(w.msg)
				for _, f := range doc.Findings {
					if f.Span.Start.Line == w.line && f.Span.Start.Col == w.col && f.Rule == w.rule && re.MatchString(f.Message) {
						found = true
					}
				}
				assert.True(t, found, "want %d:%d %s %q; got:\n%s", w.line, w.col, w.rule, w.msg, dump(doc.Findings))
			}
			for _, f := range doc.Findings {
				matched := false
				for _, w := range wants {
					matched = matched || (f.Span.Start.Line == w.line && f.Span.Start.Col == w.col)
				}
				assert.True(t, matched, "unexpected finding %s %s: %s", f.Span, f.Rule, f.Message)
			}
		})
	}
}

func TestImprovedkMultipleFarms(t *testing.T) {
	doc := loadFixture(t, "improvedk-multiple-farms-lowercased-misnested.xml")
	got := dump(doc.Findings)
	for _, w := range []string{
		"2:2 unknown-element unknown element webfarms",
		"5:10 misplaced-element server inside server: elements of one kind do not nest",
		"21:6 unknown-element unknown element globalrules",
		"22:35 unknown-attribute unknown attribute stopprocessing on rule: did you mean stopProcessing?",
		"22:57 unknown-attribute unknown attribute patternsyntax on rule: did you mean patternSyntax?",
	} {
		assert.Contains(t, got, w)
	}
	assert.Empty(t, doc.Config.Farms, "nothing of a lower-cased webfarms section reaches the model: IIS would not read it")
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%d:%d %s %s\n", f.Span.Start.Line, f.Span.Start.Col, f.Rule, f.Message)
	}
	return b.String()
}

func TestCorpusModels(t *testing.T) {
	doc := loadFixture(t, "inframole-agent-test-applicationhost-farm-and-globalrules.xml")
	cfg := doc.Config
	require.Len(t, cfg.Farms, 1)
	farm := cfg.Farms[0]
	assert.Equal(t, "AppFarm", farm.Name)
	require.Len(t, farm.Servers, 2)
	assert.Equal(t, int64(8080), farm.Servers[0].ARR.HTTPPort)
	assert.Equal(t, int64(80), farm.Servers[1].ARR.HTTPPort, "default")
	// globalRules first, then the site rules of <location path="Portal">.
	require.Len(t, cfg.Rules, 4)
	assert.Equal(t, GlobalRule, cfg.Rules[0].Scope)
	assert.Same(t, farm, cfg.Rules[0].TargetFarm(cfg))
	assert.Equal(t, "Portal", cfg.Rules[1].Location)
	assert.Nil(t, cfg.Rules[1].TargetFarm(cfg), "legacy.corp.local is not a farm")

	x := loadFixture(t, "kszabelski-azurewebapparrtest-applicationHost.xdt")
	assert.True(t, x.Config.Proxy.Enabled)
	assert.False(t, x.Config.Proxy.PreserveHostHeader)

	m := loadFixture(t, "mattgillard-iis-reverse-proxy-applicationHost.config")
	assert.True(t, m.Config.Proxy.Enabled)
	assert.Equal(t, []string{"Microsoft.Web.Arr.HostNameRoundRobin"}, m.Config.WebFarms.HostAffinityProviders)

	w := loadFixture(t, "mattgillard-iis-reverse-proxy-web.config")
	assert.Equal(t, WebConfig, w.Config.Kind)
	require.Len(t, w.Config.Rules, 1)
	assert.Equal(t, SiteRule, w.Config.Rules[0].Scope)
}
