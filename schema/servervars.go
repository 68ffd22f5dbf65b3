package schema

import "strings"

// iisServerVariables are the server variables IIS defines for every
// request (besides HTTP_<header> and the certificate and HTTPS_ families).
var iisServerVariables = map[string]bool{
	"ALL_HTTP": true, "ALL_RAW": true, "APPL_MD_PATH": true, "APPL_PHYSICAL_PATH": true, "AUTH_PASSWORD": true,
	"AUTH_TYPE": true, "AUTH_USER": true, "CACHE_URL": true, "CONTENT_LENGTH": true, "CONTENT_TYPE": true,
	"GATEWAY_INTERFACE": true, "HTTPS": true, "INSTANCE_ID": true, "INSTANCE_META_PATH": true, "LOCAL_ADDR": true,
	"LOGON_USER": true, "PATH_INFO": true, "PATH_TRANSLATED": true, "QUERY_STRING": true, "REMOTE_ADDR": true,
	"REMOTE_HOST": true, "REMOTE_PORT": true, "REMOTE_USER": true, "REQUEST_FILENAME": true, "REQUEST_METHOD": true,
	"REQUEST_URI": true, "SCRIPT_FILENAME": true, "SCRIPT_NAME": true, "SERVER_ADDR": true, "SERVER_NAME": true,
	"SERVER_PORT": true, "SERVER_PORT_SECURE": true, "SERVER_PROTOCOL": true, "SERVER_SOFTWARE": true,
	"UNENCODED_URL": true, "URL": true, "UNMAPPED_REMOTE_USER": true, "APP_POOL_ID": true,
}

// KnownServerVariable reports whether IIS defines server variable name for
// every request: one of its fixed variables or a member of the HTTP_,
// HTTPS_, CERT_ and CRYPT_ families. Lint (request-hash-settings) and the
// simulator's RequestHash read hashServerVariable through it.
func KnownServerVariable(name string) bool {
	u := strings.ToUpper(name)
	for _, prefix := range []string{"HTTP_", "HTTPS_", "CERT_", "CRYPT_"} {
		if strings.HasPrefix(u, prefix) {
			return true
		}
	}
	return iisServerVariables[u]
}

// SetByRule reports whether a rewrite rule of cfg sets server variable
// name (which makes it exist for the requests the rule matches).
func (c *Config) SetByRule(name string) bool {
	for _, r := range c.Rules {
		for _, sv := range r.ServerVariables {
			if strings.EqualFold(sv.Name, name) {
				return true
			}
		}
	}
	return false
}
