package rules

import "github.com/arrfarm/arrfarm/lint"

// All is the rule catalog, sorted by ID. Adding a rule means adding it
// here; TestRegistry validates the list and TestFixtures requires a bad and
// a good fixture for every entry.
var All = []*lint.Rule{
	XMLMalformed,
	YAMLMalformed,
	UnknownElement,
	UnknownAttribute,
	InvalidValue,
	DuplicateKey,
	Misplaced,
	MissingRequired,
	WFFSetting,
	ReadAsFragment,
	LockedSection,

	RouteToUnknownFarm,
	FarmWithoutRoute,
	FarmNoServers,
	RouteToDisabledFarm,
	RuleShadowed,
	RouteLoopToSelf,
	ProxyDisabled,
	WebSocketScheme,
	RedirectToFarm,
	FarmRuleName,
	ServerVariableNotAllowed,

	NoHealthCheck,
	HealthTimeoutNotBelowInterval,
	MinServersZero,
	MinServersAboveServers,
	LiveTrafficWithoutURLTest,
	WFFMinimumServers,
	AffinityWithoutHealthCheck,
	HealthURLNotAbsolute,
	HealthCheckCannotPass,
	ARRPoolRestarts,

	TimeoutBelowLatency,
	GlobalTimeoutOnly,
	PlainProxyTimeoutBelowLatency,
	BackendRequestTimeout,
	BackendExecutionTimeout,

	UnsupportedAlgorithm,
	CookieNameWithoutUseCookie,
	WeightsIgnored,
	RequestHashSettings,
	HashSettingsIgnored,
	UnevenWeights,
	DuplicateServer,
	AffinityCookieNotSecure,

	ServerAddressNotHost,
	ForwardedForDisabled,
	XFFIncludesPort,
	HTTPSBackendName,
	StreamingResponseBuffered,
	WebSocketExtensions,
	ResponseLengthRewritten,
	BackendHostInRedirects,
	OutboundBodyRewriteCompressed,
	RequestLimitBelowBackend,
	HTTPSBackendSNIOnly,

	SuppressionWithoutReason,
	SuppressionUnknownRule,
	SuppressionUnused,
}
