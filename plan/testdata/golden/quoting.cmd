@echo off
REM arrfarm plan: make testdata/golden/quoting-current.xml match testdata/golden/quoting-desired.xml
REM Run as an administrator on the ARR server. appcmd changes applicationHost.config one command
REM at a time: the script stops at the first failure, with the changes before it made.
setlocal
set APPCMD=%windir%\system32\inetsrv\appcmd.exe
REM proxy: set enabled to true
"%APPCMD%" set config -section:system.webServer/proxy /"enabled:true" /commit:apphost || exit /b 1
REM add farm blue farm
"%APPCMD%" set config -section:webFarms /+"[name='blue farm']" /commit:apphost || exit /b 1
REM farm blue farm: set healthCheck.url to http://blue/health?load=100%%
"%APPCMD%" set config -section:webFarms /"[name='blue farm'].applicationRequestRouting.healthCheck.url:http://blue/health?load=100%%" /commit:apphost || exit /b 1
REM farm blue farm: set healthCheck.interval to 10s
"%APPCMD%" set config -section:webFarms /"[name='blue farm'].applicationRequestRouting.healthCheck.interval:00:00:10" /commit:apphost || exit /b 1
REM farm blue farm: set healthCheck.timeout to 5s
"%APPCMD%" set config -section:webFarms /"[name='blue farm'].applicationRequestRouting.healthCheck.timeout:00:00:05" /commit:apphost || exit /b 1
REM farm blue farm: set healthCheck.responseMatch to "it's \"up\" & ready"
REM !! make this change by hand: webFarms/webFarm[@name='blue farm']/applicationRequestRouting/healthCheck cannot be quoted for appcmd
REM farm blue farm: set healthCheck.minServers to 1
"%APPCMD%" set config -section:webFarms /"[name='blue farm'].applicationRequestRouting.healthCheck.minServers:1" /commit:apphost || exit /b 1
REM add server 10.0.4.1 in farm blue farm
"%APPCMD%" set config -section:webFarms /+"[name='blue farm'].[address='10.0.4.1']" /commit:apphost || exit /b 1
REM farm O'Brien farm: set healthCheck.responseMatch to "it's up"
REM !! make this change by hand: webFarms/webFarm[@name="O'Brien farm"]/applicationRequestRouting/healthCheck cannot be quoted for appcmd
REM add rule Blue & green | 50%%
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /+"[name='Blue & green | 50%%']" /commit:apphost || exit /b 1
REM rule Blue & green | 50%%: set stopProcessing to true
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='Blue & green | 50%%'].stopProcessing:true" /commit:apphost || exit /b 1
REM rule Blue & green | 50%%: set match.url to ^(blue|green)/(.*)$
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='Blue & green | 50%%'].match.url:^(blue|green)/(.*)$" /commit:apphost || exit /b 1
REM add condition {HTTP_HOST} in rule Blue & green | 50%%
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /+"[name='Blue & green | 50%%'].conditions.[input='{HTTP_HOST}',pattern='^www\.contoso\.com$']" /commit:apphost || exit /b 1
REM rule Blue & green | 50%%: set action.type to Rewrite
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='Blue & green | 50%%'].action.type:Rewrite" /commit:apphost || exit /b 1
REM rule Blue & green | 50%%: set action.url to "http://blue farm/{R:2}"
"%APPCMD%" set config -section:system.webServer/rewrite/globalRules /"[name='Blue & green | 50%%'].action.url:http://blue farm/{R:2}" /commit:apphost || exit /b 1
REM add rule Say "it's"
REM !! make this change by hand: system.webServer/rewrite/globalRules/rule[@name="Say "it's""] cannot be quoted for appcmd
REM rule Say "it's": set patternSyntax to Wildcard
REM !! make this change by hand: system.webServer/rewrite/globalRules/rule[@name="Say "it's""] cannot be quoted for appcmd
REM rule Say "it's": set match.url to say/*
REM !! make this change by hand: system.webServer/rewrite/globalRules/rule[@name="Say "it's""]/match cannot be quoted for appcmd
REM server 10.0.3.2 in farm O'Brien farm: out of rotation before its removal
REM !! make this change by hand: webFarms/webFarm[@name="O'Brien farm"]/server[@address='10.0.3.2'] cannot be quoted for appcmd
REM remove server 10.0.3.2 in farm O'Brien farm
REM !! make this change by hand: webFarms/webFarm[@name="O'Brien farm"]/server[@address='10.0.3.2'] cannot be quoted for appcmd
echo arrfarm: 7 change(s) above are marked REM !! or are secrets: make them by hand
exit /b 0
