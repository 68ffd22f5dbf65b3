package schema

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The model: ARR settings with every default applied and every element and
// present attribute value tied to its source position. Field tags name the
// XML attribute or element (`arr:"name"`); a test checks that they match the
// CUE schema one to one, and the decoder fills them through the derived
// table, so the schema stays the single source of truth.

// Element is embedded in every model struct: where the element stands and
// where each attribute that was written explicitly stands.
type Element struct {
	// Span covers the element's start tag (or its YAML key).
	Span Span
	// Present is false when the element was absent and the struct holds
	// only defaults. Its Span is then the parent's.
	Present bool
	// lines resolves the byte offsets of attrs into spans.
	lines *Lines
	attrs []namedAttrPos // few per element: a slice beats a map
	// odd is nil unless an attribute was written wrong: rare, so kept
	// out of line (a large farm file has hundreds of thousands of
	// elements).
	odd *oddAttrs
}

// oddAttrs are the attributes of an element that were written but not
// loaded.
type oddAttrs struct {
	// invalid names the attributes that were written with a value the
	// loader rejected: the struct holds their defaults, which stand in
	// for what the user wrote and must not be reasoned about as theirs.
	invalid []string
	// unknown names the attributes written that the schema does not have
	// on this element (an unknown-attribute finding), such as a server's
	// port="8080": the setting the user meant keeps its default.
	unknown []string
}

func (e *Element) oddAttrs() *oddAttrs {
	if e.odd == nil {
		e.odd = &oddAttrs{}
	}
	return e.odd
}

// Unknown reports whether an attribute called name, which the schema does
// not define on this element, was written on it (server/@port, which
// belongs on the server's applicationRequestRouting as httpPort).
func (e *Element) Unknown(name string) bool {
	if e.odd == nil {
		return false
	}
	for _, n := range e.odd.unknown {
		if n == name {
			return true
		}
	}
	return false
}

// Invalid reports whether attribute name was written with a value the
// loader rejected (an invalid-value finding): the model then holds the
// default, and rules must not build findings on it.
func (e *Element) Invalid(name string) bool {
	if e.odd == nil {
		return false
	}
	for _, n := range e.odd.invalid {
		if n == name {
			return true
		}
	}
	return false
}

// namedAttrPos is where attribute name was written, as byte offsets into
// the element's lines (a model of a large file holds hundreds of thousands
// of these), or as spans for a value set by SetAttribute.
type namedAttrPos struct {
	name         string
	name0, name1 int32
	val0, val1   int32
	set          *AttrPos
}

func (n *namedAttrPos) pos(l *Lines) AttrPos {
	if n.set != nil || l == nil {
		if n.set == nil {
			return AttrPos{}
		}
		return *n.set
	}
	return AttrPos{Name: l.Span(int(n.name0), int(n.name1)), Value: l.Span(int(n.val0), int(n.val1))}
}

// AttrPos is where an attribute was written.
type AttrPos struct {
	Name  Span // the attribute name (or YAML key)
	Value Span // the value, quotes excluded
}

// Has reports whether attribute name was written explicitly (as opposed to
// being a default).
func (e *Element) Has(name string) bool {
	_, ok := e.attr(name)
	return ok
}

// Written lists the attributes written explicitly, in the order read.
func (e *Element) Written() []string {
	out := make([]string, len(e.attrs))
	for i := range e.attrs {
		out[i] = e.attrs[i].name
	}
	return out
}

func (e *Element) attr(name string) (AttrPos, bool) {
	for i := range e.attrs {
		if e.attrs[i].name == name {
			return e.attrs[i].pos(e.lines), true
		}
	}
	return AttrPos{}, false
}

// ValueSpan is the position of attribute name's value, or the element's own
// position when the attribute was not written.
func (e *Element) ValueSpan(name string) Span {
	if a, ok := e.attr(name); ok {
		return a.Value
	}
	return e.Span
}

// AttrSpan is the position of the whole attribute (name through value), or
// the element's position when it was not written.
func (e *Element) AttrSpan(name string) Span {
	if a, ok := e.attr(name); ok {
		s := a.Name
		s.End = a.Value.End
		return s
	}
	return e.Span
}

func (e *Element) setAttr(name string, p AttrPos) {
	e.set(namedAttrPos{name: name, set: &p})
}

// setRaw records that attribute ra was written where the loader read it.
func (e *Element) setRaw(ra *rawAttr) {
	e.set(namedAttrPos{name: ra.Name, name0: ra.name0, name1: ra.name1, val0: ra.val0, val1: ra.val1})
}

func (e *Element) set(a namedAttrPos) {
	if e.odd != nil {
		e.odd.invalid = slices.DeleteFunc(e.odd.invalid, func(n string) bool { return n == a.name })
	}
	for i := range e.attrs {
		if e.attrs[i].name == a.name {
			e.attrs[i] = a
			return
		}
	}
	e.attrs = append(e.attrs, a)
}

// elementPaths ties each model struct to its schema element, for
// SetAttribute and the schema/model agreement test.
var elementPaths = map[reflect.Type]string{
	reflect.TypeFor[WebFarms]():                "webFarms",
	reflect.TypeFor[Farm]():                    "webFarms/webFarm",
	reflect.TypeFor[Server]():                  "webFarms/webFarm/server",
	reflect.TypeFor[ServerARR]():               "webFarms/webFarm/server/applicationRequestRouting",
	reflect.TypeFor[Protocol]():                "webFarms/webFarm/applicationRequestRouting/protocol",
	reflect.TypeFor[Cache]():                   "webFarms/webFarm/applicationRequestRouting/protocol/cache",
	reflect.TypeFor[HealthCheck]():             "webFarms/webFarm/applicationRequestRouting/healthCheck",
	reflect.TypeFor[Affinity]():                "webFarms/webFarm/applicationRequestRouting/affinity",
	reflect.TypeFor[AffinityHost]():            "webFarms/webFarm/applicationRequestRouting/affinity/host",
	reflect.TypeFor[LoadBalancing]():           "webFarms/webFarm/applicationRequestRouting/loadBalancing",
	reflect.TypeFor[Proxy]():                   "system.webServer/proxy",
	reflect.TypeFor[Rule]():                    "system.webServer/rewrite/globalRules/rule",
	reflect.TypeFor[Match]():                   "system.webServer/rewrite/globalRules/rule/match",
	reflect.TypeFor[Conditions]():              "system.webServer/rewrite/globalRules/rule/conditions",
	reflect.TypeFor[Condition]():               "system.webServer/rewrite/globalRules/rule/conditions/add",
	reflect.TypeFor[ServerVariable]():          "system.webServer/rewrite/globalRules/rule/serverVariables/set",
	reflect.TypeFor[Action]():                  "system.webServer/rewrite/rules/rule/action",
	reflect.TypeFor[OutboundRule]():            "system.webServer/rewrite/outboundRules/rule",
	reflect.TypeFor[OutboundMatch]():           "system.webServer/rewrite/outboundRules/rule/match",
	reflect.TypeFor[OutboundAction]():          "system.webServer/rewrite/outboundRules/rule/action",
	reflect.TypeFor[AspNetCore]():              "system.webServer/aspNetCore",
	reflect.TypeFor[HTTPRuntime]():             "system.web/httpRuntime",
	reflect.TypeFor[RequestLimits]():           "system.webServer/security/requestFiltering/requestLimits",
	reflect.TypeFor[URLCompression]():          "system.webServer/urlCompression",
	reflect.TypeFor[Compilation]():             "system.web/compilation",
	reflect.TypeFor[Site]():                    "system.applicationHost/sites/site",
	reflect.TypeFor[Application]():             "system.applicationHost/sites/site/application",
	reflect.TypeFor[ApplicationDefaults]():     "system.applicationHost/sites/applicationDefaults",
	reflect.TypeFor[ApplicationPool]():         "system.applicationHost/applicationPools/add",
	reflect.TypeFor[ProcessModel]():            "system.applicationHost/applicationPools/add/processModel",
	reflect.TypeFor[PeriodicRestart]():         "system.applicationHost/applicationPools/add/recycling/periodicRestart",
	reflect.TypeFor[Binding]():                 "system.applicationHost/sites/site/bindings/binding",
	reflect.TypeFor[AnonymousAuthentication](): "system.webServer/security/authentication/anonymousAuthentication",
	reflect.TypeFor[WindowsAuthentication]():   "system.webServer/security/authentication/windowsAuthentication",
}

// specOf returns the schema element of model struct type t, or nil.
func specOf(t reflect.Type) *ElemSpec {
	path, ok := elementPaths[t]
	if !ok {
		return nil
	}
	e := mustCompiled().Doc
	for _, part := range strings.Split(path, "/") {
		if e = e.Elems[part]; e == nil {
			return nil
		}
	}
	return e
}

// Secret is an encrypted or secret attribute value. The model never holds
// the value itself, only whether one was set, so no output can echo it.
type Secret struct {
	Set       bool // a non-empty value was written
	Encrypted bool // it was an IIS [enc:...:enc] blob
}

// Config is everything arrfarm read from one file.
type Config struct {
	File     string
	Format   Format // XML or YAML
	Kind     Kind   // applicationHost.config, web.config or a fragment
	WebFarms WebFarms
	Farms    []*Farm
	Proxy    Proxy
	Rules    []*Rule // in evaluation order: globalRules first, then site rules
	// Sites are the IIS sites of system.applicationHost/sites, for what
	// backends on this machine answer and which pool runs ARR.
	Sites []*Site
	// SiteAppDefaults is sites/applicationDefaults: the pool of
	// applications that name none.
	SiteAppDefaults ApplicationDefaults
	// AppPools are applicationPools/add, in document order, and
	// AppPoolDefaults is applicationPoolDefaults (Name ""): what restarts
	// the worker process that holds ARR's runtime state.
	AppPools        []*ApplicationPool
	AppPoolDefaults ApplicationPool
	// AspNetCore are the ASP.NET Core Module settings of each <location
	// path> ("" outside any location), in document order.
	AspNetCore []*AspNetCore
	// ASPNET are the ASP.NET (system.web) settings of each <location
	// path> ("" outside any location), in document order.
	ASPNET []*ASPNET
	// URLCompression is system.webServer/urlCompression of each <location
	// path> ("" outside any location), in document order.
	URLCompression []*URLCompression
	// RequestLimits are security/requestFiltering/requestLimits of each
	// <location path> ("" outside any location), in document order.
	RequestLimits []*RequestLimits
	// OutboundRules are rewrite/outboundRules/rule, in document order.
	OutboundRules []*OutboundRule
	// AllowedServerVariables are the names of rewrite/allowedServerVariables
	// (add elements, in document order); AllowedServerVariablesPresent is
	// whether the file has that element at all.
	AllowedServerVariables        []string
	AllowedServerVariablesPresent bool
	// AllowedServerVariablesSpan is where that element's start tag stands
	// (the last one, if several).
	AllowedServerVariablesSpan Span
	// Auth is the authentication each <location path> sets ("" for the
	// server level, outside any location), in document order.
	Auth []*Authentication
	// LockedSections are the sections a web.config sets that IIS locks by
	// default (@locked() in arr.cue), each reported as locked-section;
	// SectionUnlocks are where an applicationHost.config unlocks one. A
	// merged server drops the finding the unlock answers (MergeServer).
	LockedSections []SectionLock
	SectionUnlocks []SectionLock
	// RemoteBackends are the configuration files (a web.config, or the
	// machine's applicationHost.config) of farm servers on other machines
	// given with the configuration (--backend); their sections are in
	// the lists above under the backend's Location.
	RemoteBackends []*RemoteBackend
}

// RemoteBackend is a farm server on another machine whose configuration
// file was given: Address (and Port, 0 for any) as the farm names the
// server, Location the <location path> its sections were added under,
// File the file, Config its own model. That machine's sites and
// application pools stay in Config, never merged into the ARR server's
// (the simulator reads the pool's queueLength there: RemotePool).
type RemoteBackend struct {
	Address  string
	Port     int64
	Location string
	File     string
	Config   *Config
}

// SectionLock is a section locked by default (Section, its spec path such
// as system.webServer/rewrite/allowedServerVariables) as a web.config sets
// it or applicationHost.config unlocks it: at a <location path>
// (Location, "" for every path), written at Span.
type SectionLock struct {
	Section  string
	Location string
	Span     Span
}

// OutboundRule is rewrite/outboundRules/rule with its match and action.
type OutboundRule struct {
	Element
	Name         string `arr:"name"`
	PreCondition string `arr:"preCondition"`
	Enabled      bool   `arr:"enabled"`
	Match        OutboundMatch
	Action       OutboundAction
}

// OutboundMatch is outboundRules/rule/match.
type OutboundMatch struct {
	Element
	ServerVariable string `arr:"serverVariable"` // "": the rule rewrites the body
	FilterByTags   string `arr:"filterByTags"`
	Pattern        string `arr:"pattern"`
}

// OutboundAction is outboundRules/rule/action.
type OutboundAction struct {
	Element
	Type    string `arr:"type"`
	Value   string `arr:"value"`
	Replace bool   `arr:"replace"`
}

// AspNetCore is system.webServer/aspNetCore.
type AspNetCore struct {
	Element
	Location       string        // <location path>, "" outside any location
	ProcessPath    string        `arr:"processPath"`
	HostingModel   string        `arr:"hostingModel"`
	RequestTimeout time.Duration `arr:"requestTimeout"`
}

// ASPNET is what system.web says at one location.
type ASPNET struct {
	Location    string // <location path>, "" outside any location
	HTTPRuntime HTTPRuntime
	Compilation Compilation
}

// URLCompression is system.webServer/urlCompression.
type URLCompression struct {
	Element
	Location             string // <location path>, "" outside any location
	DoDynamicCompression bool   `arr:"doDynamicCompression"`
	DoStaticCompression  bool   `arr:"doStaticCompression"`
}

// RequestLimits is security/requestFiltering/requestLimits.
type RequestLimits struct {
	Element
	Location                string // <location path>, "" outside any location
	MaxAllowedContentLength int64  `arr:"maxAllowedContentLength"` // bytes
}

// HTTPRuntime is system.web/httpRuntime.
type HTTPRuntime struct {
	Element
	ExecutionTimeout int64 `arr:"executionTimeout"` // seconds
}

// Compilation is system.web/compilation.
type Compilation struct {
	Element
	Debug bool `arr:"debug"`
}

// Site is system.applicationHost/sites/site.
type Site struct {
	Element
	Name                string `arr:"name"`
	ID                  int64  `arr:"id"`
	Bindings            []*Binding
	Applications        []*Application
	ApplicationDefaults ApplicationDefaults
}

// Application is site/application.
type Application struct {
	Element
	Path            string `arr:"path"`
	ApplicationPool string `arr:"applicationPool"`
}

// ApplicationDefaults is sites/applicationDefaults or
// site/applicationDefaults.
type ApplicationDefaults struct {
	Element
	ApplicationPool string `arr:"applicationPool"`
}

// DefaultAppPool is the pool IIS gives an application when no
// applicationPool is set anywhere.
const DefaultAppPool = "DefaultAppPool"

// RootPool is the application pool that runs the site's root application
// ("/"), and so the site's rewrite rules and ARR: the root application's
// own applicationPool, else the site's applicationDefaults, else the
// sites' (defaults), else DefaultAppPool. The element returned is where
// the name was written (nil for IIS's built-in default).
func (s *Site) RootPool(defaults *ApplicationDefaults) (string, *Element) {
	for _, a := range s.Applications {
		if strings.Trim(a.Path, "/") == "" && a.Has("applicationPool") {
			return a.ApplicationPool, &a.Element
		}
	}
	if s.ApplicationDefaults.Has("applicationPool") {
		return s.ApplicationDefaults.ApplicationPool, &s.ApplicationDefaults.Element
	}
	if defaults != nil && defaults.Has("applicationPool") {
		return defaults.ApplicationPool, &defaults.Element
	}
	return DefaultAppPool, nil
}

// ApplicationPool is applicationPools/add, or applicationPoolDefaults
// (Name ""), with the settings that restart its worker process.
type ApplicationPool struct {
	Element
	Name            string `arr:"name"`
	QueueLength     int64  `arr:"queueLength"` // http.sys queue; 503 beyond it
	ProcessModel    ProcessModel
	PeriodicRestart PeriodicRestart // recycling/periodicRestart
}

// ProcessModel is applicationPools/add/processModel.
type ProcessModel struct {
	Element
	IdleTimeout       time.Duration `arr:"idleTimeout"` // 0: never shuts down for idleness
	IdleTimeoutAction string        `arr:"idleTimeoutAction"`
}

// PeriodicRestart is applicationPools/add/recycling/periodicRestart.
type PeriodicRestart struct {
	Element
	Time time.Duration `arr:"time"` // 0: no periodic recycle
}

// Pool returns the application pool called name (IIS compares pool
// names without regard to case), or nil.
func (c *Config) Pool(name string) *ApplicationPool {
	for _, p := range c.AppPools {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// Binding is site/bindings/binding; BindingInformation is
// "address:port:host".
type Binding struct {
	Element
	Protocol           string `arr:"protocol"`
	BindingInformation string `arr:"bindingInformation"`
	SSLFlags           string `arr:"sslFlags"`
}

// RequiresSNI reports whether the binding's sslFlags has the Sni flag
// (bit 1), written as a number ("1", "3") or by name ("Sni",
// "Sni,CentralCertStore").
func (b *Binding) RequiresSNI() bool {
	v := strings.TrimSpace(b.SSLFlags)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n&1 != 0
	}
	for _, f := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(f), "Sni") {
			return true
		}
	}
	return false
}

// Port and Host split BindingInformation ("*:80:www.contoso.com");
// ok is false when it does not have that form.
func (b *Binding) Port() (port int64, host string, ok bool) {
	i := strings.LastIndex(b.BindingInformation, ":")
	if i < 0 {
		return 0, "", false
	}
	host = b.BindingInformation[i+1:]
	rest := b.BindingInformation[:i]
	j := strings.LastIndex(rest, ":")
	if j < 0 {
		return 0, "", false
	}
	n, err := strconv.ParseInt(rest[j+1:], 10, 64)
	if err != nil {
		return 0, "", false
	}
	return n, host, true
}

// Authentication is what system.webServer/security/authentication says
// at one location.
type Authentication struct {
	Location  string // <location path>, "" at the server level
	Anonymous AnonymousAuthentication
	Windows   WindowsAuthentication
}

// AnonymousAuthentication is security/authentication/anonymousAuthentication.
type AnonymousAuthentication struct {
	Element
	Enabled bool `arr:"enabled"`
}

// WindowsAuthentication is security/authentication/windowsAuthentication.
type WindowsAuthentication struct {
	Element
	Enabled bool `arr:"enabled"`
}

// Farm returns the farm called name, or nil.
func (c *Config) Farm(name string) *Farm {
	for _, f := range c.Farms {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// WebFarms holds the section-level webFarms settings.
type WebFarms struct {
	Element
	OnDemandHealthCheck   bool     `arr:"onDemandHealthCheck"`
	HostAffinityProviders []string // hostAffinityProviderList/add/@name
}

// Farm is one webFarm.
type Farm struct {
	Element
	Name                      string `arr:"name"`
	Enabled                   bool   `arr:"enabled"`
	ServerAutoStart           bool   `arr:"serverAutoStart"`
	PassConnectionCloseHeader bool   `arr:"passConnectionCloseHeader"`
	PassServerHeader          string `arr:"passServerHeader"`

	// Web Farm Framework settings: accepted, not used by ARR routing.
	// MinimumServers is WFF's, not ARR's healthCheck/@minServers.
	MinimumServers int64 `arr:"minimumServers"`
	WFF            WFF   `arr:",inline"`

	Servers       []*Server
	ARR           Element // the farm's applicationRequestRouting element
	Protocol      Protocol
	HealthCheck   HealthCheck
	Affinity      Affinity
	LoadBalancing LoadBalancing
}

// WFF holds the Web Farm Framework attributes of a farm that arrfarm keeps
// for conversion only.
type WFF struct {
	AutoEnableAgent                    bool          `arr:"autoEnableAgent"`
	AdminUserName                      string        `arr:"adminUserName"`
	AdminPassword                      Secret        `arr:"adminPassword"`
	AgentURL                           string        `arr:"agentUrl"`
	RestartServerOnConfigurationChange bool          `arr:"restartServerOnConfigurationChange"`
	RestartServerIfReady               bool          `arr:"restartServerIfReady"`
	PrimaryServer                      string        `arr:"primaryServer"`
	LoadBalancerProvider               string        `arr:"loadBalancerProvider"`
	PeriodicRuntimeData                time.Duration `arr:"periodicRuntimeData"`
	EnableRuntimeData                  bool          `arr:"enableRuntimeData"`
	MaximumStoppedServers              int64         `arr:"maximumStoppedServers"`
	AgentRetryTime                     time.Duration `arr:"agentRetryTime"`
	FrontEndURL                        string        `arr:"frontEndUrl"`
}

// Server is one webFarm/server with its applicationRequestRouting settings.
type Server struct {
	Element
	Address string `arr:"address"`
	Enabled bool   `arr:"enabled"`
	ARR     ServerARR
}

// ServerARR is webFarm/server/applicationRequestRouting.
type ServerARR struct {
	Element
	HostName                     string `arr:"hostName"`
	Weight                       int64  `arr:"weight"`
	HTTPPort                     int64  `arr:"httpPort"`
	HTTPSPort                    int64  `arr:"httpsPort"`
	HealthCheckAlternateHostName string `arr:"healthCheckAlternateHostName"`
	HealthCheckAlternatePort     int64  `arr:"healthCheckAlternatePort"`
}

// ProxySettings are the attributes shared by a farm's protocol element and
// the global system.webServer/proxy section.
type ProxySettings struct {
	HTTPVersion                         string        `arr:"httpVersion"`
	KeepAlive                           bool          `arr:"keepAlive"`
	Timeout                             time.Duration `arr:"timeout"`
	PreserveHostHeader                  bool          `arr:"preserveHostHeader"`
	ReverseRewriteHostInResponseHeaders bool          `arr:"reverseRewriteHostInResponseHeaders"`
	XForwardedByHeaderName              string        `arr:"xForwardedByHeaderName"`
	XForwardedByHeader                  string        `arr:"xForwardedByHeader"`
	XForwardedForHeaderName             string        `arr:"xForwardedForHeaderName"`
	IncludePortInXForwardedFor          bool          `arr:"includePortInXForwardedFor"`
	ARRResponseHeader                   bool          `arr:"arrResponseHeader"`
	SSLHeaderName                       string        `arr:"sslHeaderName"`
	ClientCertHeaderName                string        `arr:"clientCertHeaderName"`
	LogGUIDName                         string        `arr:"logGuidName"`
	LogCacheHitName                     string        `arr:"logCacheHitName"`
	MaxForwards                         int64         `arr:"maxForwards"`
	MinResponseBuffer                   int64         `arr:"minResponseBuffer"`
	ResponseBufferLimit                 int64         `arr:"responseBufferLimit"`
	MaxResponseHeaderSize               int64         `arr:"maxResponseHeaderSize"`
	Proxy                               string        `arr:"proxy"`
	ProxyBypass                         string        `arr:"proxyBypass"`
	StealthMode                         bool          `arr:"stealthMode"`
	ClientCertFileName                  string        `arr:"clientCertFileName"`
	ClientCertPassword                  Secret        `arr:"clientCertPassword"`
	ClientCertHash                      string        `arr:"clientCertHash"`
	BufferChunkedResponses              bool          `arr:"bufferChunkedResponses"`
	Cache                               Cache
}

// Protocol is webFarm/applicationRequestRouting/protocol. Its Timeout is
// the farm's effective proxy timeout: requests routed to the farm use it,
// not the global proxy timeout.
type Protocol struct {
	Element
	ProxySettings     `arr:",inline"`
	AlternateHostName string `arr:"alternateHostName"`
}

// Proxy is the global system.webServer/proxy section.
type Proxy struct {
	Element
	ProxySettings `arr:",inline"`
	Enabled       bool `arr:"enabled"`
}

// Cache is the cache child of protocol and proxy.
type Cache struct {
	Element
	Enabled                     bool          `arr:"enabled"`
	RequestConsolidationEnabled bool          `arr:"requestConsolidationEnabled"`
	RequestConsolidationTimeout time.Duration `arr:"requestConsolidationTimeout"`
	QueryStringHandling         string        `arr:"queryStringHandling"`
	ValidationInterval          time.Duration `arr:"validationInterval"`
}

// HealthCheck is webFarm/applicationRequestRouting/healthCheck.
type HealthCheck struct {
	Element
	URL                      string        `arr:"url"` // empty: no URL test
	Interval                 time.Duration `arr:"interval"`
	Timeout                  time.Duration `arr:"timeout"`
	StatusCodeMatch          string        `arr:"statusCodeMatch"`
	ResponseMatch            string        `arr:"responseMatch"`
	Retries                  int64         `arr:"retries"`
	LiveTrafficFailureCodes  string        `arr:"liveTrafficFailureCodes"`
	MaxLiveTrafficFailures   int64         `arr:"maxLiveTrafficFailures"`
	LiveTrafficFailurePeriod time.Duration `arr:"liveTrafficFailurePeriod"` // 0: read as off; disputed (no-health-check)
	MinServers               int64         `arr:"minServers"`
}

// Affinity is webFarm/applicationRequestRouting/affinity.
type Affinity struct {
	Element
	UseCookie                     bool          `arr:"useCookie"`
	CookieName                    string        `arr:"cookieName"`
	UseHostName                   bool          `arr:"useHostName"`
	HostCountersEnabled           bool          `arr:"hostCountersEnabled"`
	UseServerProvider             bool          `arr:"useServerProvider"`
	Timeout                       time.Duration `arr:"timeout"`
	UseExternalCache              bool          `arr:"useExternalCache"`
	IgnoreSubDomain               bool          `arr:"ignoreSubDomain"`
	IgnoreSubDomainClientAffinity bool          `arr:"ignoreSubDomainClientAffinity"`
	IgnoreSubDomainFragmentDepth  int64         `arr:"ignoreSubDomainFragmentDepth"`
	HostAffinityProvider          string        `arr:"hostAffinityProvider"`
	ServerProviderImage           string        `arr:"serverProviderImage"`
	Hosts                         []*AffinityHost
}

// AffinityHost is affinity/host: servers allocated to one host name.
type AffinityHost struct {
	Element
	Name            string `arr:"name"`
	Servers         int64  `arr:"servers"`
	EquivalentHosts []string
}

// Algorithm names of loadBalancing/@algorithm.
const (
	WeightedRoundRobin   = "WeightedRoundRobin"
	LeastRequests        = "LeastRequests"
	LeastResponseTime    = "LeastResponseTime"
	WeightedTotalTraffic = "WeightedTotalTraffic"
	RequestHash          = "RequestHash"
)

// LoadBalancing is webFarm/applicationRequestRouting/loadBalancing.
type LoadBalancing struct {
	Element
	Algorithm               string        `arr:"algorithm"`
	LeastResponseTimePeriod time.Duration `arr:"leastResponseTimePeriod"`
	HashServerVariable      string        `arr:"hashServerVariable"`
	QueryStringNames        string        `arr:"queryStringNames"`
	RandomizeLBTies         bool          `arr:"randomizeLBTies"`
}

// RuleScope says where a rewrite rule was defined.
type RuleScope int

// Rule scopes.
const (
	GlobalRule RuleScope = iota // system.webServer/rewrite/globalRules
	SiteRule                    // system.webServer/rewrite/rules
)

// Rule is a URL Rewrite inbound rule.
type Rule struct {
	Element
	Scope    RuleScope
	Location string // the <location path> it sits in; "" outside any

	Name            string `arr:"name"`
	Enabled         bool   `arr:"enabled"`
	PatternSyntax   string `arr:"patternSyntax"`
	StopProcessing  bool   `arr:"stopProcessing"`
	Match           Match
	Conditions      Conditions
	ServerVariables []*ServerVariable
	Action          Action
}

// Match is rule/match.
type Match struct {
	Element
	URL        string `arr:"url"`
	IgnoreCase bool   `arr:"ignoreCase"`
	Negate     bool   `arr:"negate"`
}

// Conditions is rule/conditions.
type Conditions struct {
	Element
	LogicalGrouping  string `arr:"logicalGrouping"`
	TrackAllCaptures bool   `arr:"trackAllCaptures"`
	Items            []*Condition
}

// Condition is rule/conditions/add.
type Condition struct {
	Element
	Input      string `arr:"input"`
	MatchType  string `arr:"matchType"`
	Pattern    string `arr:"pattern"`
	IgnoreCase bool   `arr:"ignoreCase"`
	Negate     bool   `arr:"negate"`
}

// ServerVariable is rule/serverVariables/set.
type ServerVariable struct {
	Element
	Name    string `arr:"name"`
	Value   string `arr:"value"`
	Replace bool   `arr:"replace"`
}

// Action is rule/action.
type Action struct {
	Element
	Type              string `arr:"type"`
	URL               string `arr:"url"`
	AppendQueryString bool   `arr:"appendQueryString"`
	LogRewrittenURL   bool   `arr:"logRewrittenUrl"`
	RedirectType      string `arr:"redirectType"`
	StatusCode        int64  `arr:"statusCode"`
	SubStatusCode     int64  `arr:"subStatusCode"`
	StatusReason      string `arr:"statusReason"`
	StatusDescription string `arr:"statusDescription"`
}
