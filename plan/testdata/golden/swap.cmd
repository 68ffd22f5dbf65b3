@echo off
REM arrfarm plan: make testdata/current.config match testdata/desired.yaml
REM Run as an administrator on the ARR server. appcmd changes applicationHost.config one command
REM at a time: the script stops at the first failure, with the changes before it made.
setlocal
set APPCMD=%windir%\system32\inetsrv\appcmd.exe
REM proxy: set timeout to 3m
"%APPCMD%" set config -section:system.webServer/proxy /"timeout:00:03:00" /commit:apphost || exit /b 1
REM farm web: set protocol.timeout to 45s
"%APPCMD%" set config -section:webFarms /"[name='web'].applicationRequestRouting.protocol.timeout:00:00:45" /commit:apphost || exit /b 1
REM server 10.0.0.12 in farm web: set weight to 200
"%APPCMD%" set config -section:webFarms /"[name='web'].[address='10.0.0.12'].applicationRequestRouting.weight:200" /commit:apphost || exit /b 1
REM add server 10.0.0.15 in farm web
"%APPCMD%" set config -section:webFarms /+"[name='web'].[address='10.0.0.15']" /commit:apphost || exit /b 1
REM add farm api
"%APPCMD%" set config -section:webFarms /+"[name='api']" /commit:apphost || exit /b 1
REM farm api: set adminPassword by hand (a secret: arrfarm never writes its value into a plan)
REM farm api: set healthCheck.url to http://api/health
"%APPCMD%" set config -section:webFarms /"[name='api'].applicationRequestRouting.healthCheck.url:http://api/health" /commit:apphost || exit /b 1
REM farm api: set healthCheck.interval to 10s
"%APPCMD%" set config -section:webFarms /"[name='api'].applicationRequestRouting.healthCheck.interval:00:00:10" /commit:apphost || exit /b 1
REM farm api: set healthCheck.timeout to 5s
"%APPCMD%" set config -section:webFarms /"[name='api'].applicationRequestRouting.healthCheck.timeout:00:00:05" /commit:apphost || exit /b 1
REM farm api: set healthCheck.minServers to 1
"%APPCMD%" set config -section:webFarms /"[name='api'].applicationRequestRouting.healthCheck.minServers:1" /commit:apphost || exit /b 1
REM add server 10.0.2.1 in farm api
"%APPCMD%" set config -section:webFarms /+"[name='api'].[address='10.0.2.1']" /commit:apphost || exit /b 1
REM add server 10.0.2.2 in farm api
"%APPCMD%" set config -section:webFarms /+"[name='api'].[address='10.0.2.2']" /commit:apphost || exit /b 1
REM remove rule ARR_old_loadbalance
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /-"[name='ARR_old_loadbalance']" /commit:apphost || exit /b 1
REM remove rule ARR web loadbalance
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /-"[name='ARR web loadbalance']" /commit:apphost || exit /b 1
REM add rule ARR_api_loadbalance
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /+"[name='ARR_api_loadbalance']" /commit:apphost || exit /b 1
REM rule ARR_api_loadbalance: set patternSyntax to Wildcard
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR_api_loadbalance'].patternSyntax:Wildcard" /commit:apphost || exit /b 1
REM rule ARR_api_loadbalance: set stopProcessing to true
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR_api_loadbalance'].stopProcessing:true" /commit:apphost || exit /b 1
REM rule ARR_api_loadbalance: set match.url to api/*
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR_api_loadbalance'].match.url:api/*" /commit:apphost || exit /b 1
REM rule ARR_api_loadbalance: set action.type to Rewrite
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR_api_loadbalance'].action.type:Rewrite" /commit:apphost || exit /b 1
REM rule ARR_api_loadbalance: set action.url to http://api/{R:0}
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR_api_loadbalance'].action.url:http://api/{R:0}" /commit:apphost || exit /b 1
REM add rule ARR web loadbalance
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /+"[name='ARR web loadbalance']" /commit:apphost || exit /b 1
REM rule ARR web loadbalance: set patternSyntax to Wildcard
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR web loadbalance'].patternSyntax:Wildcard" /commit:apphost || exit /b 1
REM rule ARR web loadbalance: set stopProcessing to true
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR web loadbalance'].stopProcessing:true" /commit:apphost || exit /b 1
REM rule ARR web loadbalance: set match.url to *
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR web loadbalance'].match.url:*" /commit:apphost || exit /b 1
REM rule ARR web loadbalance: set action.type to Rewrite
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR web loadbalance'].action.type:Rewrite" /commit:apphost || exit /b 1
REM rule ARR web loadbalance: set action.url to http://web/{R:0}
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='ARR web loadbalance'].action.url:http://web/{R:0}" /commit:apphost || exit /b 1
REM server 10.0.0.13 in farm web: out of rotation before its removal
"%APPCMD%" set config -section:webFarms /"[name='web'].[address='10.0.0.13'].enabled:false" /commit:apphost || exit /b 1
REM remove server 10.0.0.13 in farm web
"%APPCMD%" set config -section:webFarms /-"[name='web'].[address='10.0.0.13']" /commit:apphost || exit /b 1
REM remove farm old
"%APPCMD%" set config -section:webFarms /-"[name='old']" /commit:apphost || exit /b 1
echo arrfarm: 1 change(s) above are marked REM !! or are secrets: make them by hand
exit /b 0
