package rules

import "github.com/arrfarm/arrfarm/lint"

// Sources the rules cite, named once so that the same document reads the
// same everywhere. ../shared/docs/arr-reference.md holds the facts with
// their tags; the references here name the original documents.
var (
	srcARRSchema     = lint.Source{Kind: lint.FromSchema, Ref: "ARR 3 schema arr_schema.xml (lextm/iis_schema): types, ranges, defaults and unique keys of webFarms and system.webServer/proxy"}
	srcWFFSchema     = lint.Source{Kind: lint.FromSchema, Ref: "Web Farm Framework schema webfarm.xml (lextm/iis_schema): webFarm/@name, server/@address and the WFF provisioning settings"}
	srcRewriteSchema = lint.Source{Kind: lint.FromSchema, Ref: "URL Rewrite 2 schema rewrite_schema.xml (lextm/iis_schema): rules, conditions, actions; globalRules allowed only in applicationHost.config"}
	srcIISLegend     = lint.Source{Kind: lint.FromSchema, Ref: "IIS_schema.xml legend (validationType, timeSpanRange): IIS rejects a configuration whose values or names break the schema (HTTP 500.19)"}
	src502Article    = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Troubleshooting 502 errors in ARR\": 502.3 with 12002 at the farm's proxy timeout (30 s by default), 12007/12029 for name and connection failures, 502.4 when no server is available"}
	srcDefineFarm    = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Define and configure an ARR server farm\" and \"HTTP load balancing using ARR\": routing is a URL Rewrite rule whose URL host is the farm name; appcmd does not create the rule"}
	srcHealthPage    = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Health Test\" page (dd443513): full URL, interval, timeout, live-traffic test that can only mark servers unhealthy"}
	srcProxyPage     = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Proxy\" page (dd443526): X-Forwarded-For header name (empty: not sent), response buffer settings"}
	srcLoadBalance   = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Load Balance\" page (dd443524): weights are relative; hash settings belong to the request hash algorithms"}
	srcLiveDefault   = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"HTTP load balancing using ARR\" walkthrough, step 2: the live-traffic test runs automatically by default; the ARR schema's liveTrafficFailurePeriod default is 0, which arrfarm otherwise reads as off (arr-reference.md section 10)"}
	srcEventsPage    = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, \"ARR events\" (ff872129): the minServers override, which \"can potentially cause ... further damage\"; says all-unhealthy gives 502.3 where the 502 article says 502.4"}
	srcReverseProxy  = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Reverse proxy with URL Rewrite v2 and ARR\": rewrites to absolute URLs need system.webServer/proxy enabled; the walkthrough rewrites to intranet hosts such as http://webmail/"}
	srcRewriteOrder  = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Pilot program management using ARR\": rules run in order, stopProcessing ends evaluation"}
	srcStatusCodes   = lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"HTTP status code overview\" (ARR 3.0.1916+): 400.605 when Max-Forwards runs out (a routing loop)"}
	srcOwscott       = lint.Source{Kind: lint.FromCommunity, Ref: "Scott Forsyth (owscott) blog posts on ARR: the farm links to its rule only by the name ARR_<farm>_loadbalance"}
	srcJeffGraves    = lint.Source{Kind: lint.FromCommunity, Ref: "jeffgraves.me, \"Troubleshooting ARR 502.3 errors\": set minServers to at least 1 so users do not get 502.4"}
	srcWonyoo        = lint.Source{Kind: lint.FromCommunity, Ref: "wonyoo (IIS team blog), \"Meaning of minimum servers\": below minServers healthy servers ARR ignores health"}
	srcSelfLoop      = lint.Source{Kind: lint.FromCommunity, Ref: "thebestcsharpprogrammerintheworld.com, \"ARR self-referencing itself: 400 or 502.3\""}
	srcXWebfarm      = lint.Source{Kind: lint.FromCommunity, Ref: "dsccommunity/WebAdministrationDsc MSFT_xWebfarm (module and test fixtures): query-string hash is hashServerVariable=\"query_string\" plus queryStringNames; a fixture comment says weights are ignored when not round robin"}
	srcArrfarm       = lint.Source{Kind: lint.FromArrfarm, Ref: "arrfarm's suppression comments and YAML form (docs/design.md section 4, arrfarm schema)"}
)

// inferred is a Source for what arrfarm reasons out itself.
func inferred(ref string) lint.Source { return lint.Source{Kind: lint.Inferred, Ref: ref} }

// evidence lists sources.
func evidence(s ...lint.Source) []lint.Source { return s }
