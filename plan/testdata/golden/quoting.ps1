# arrfarm plan: make testdata/golden/quoting-current.xml match testdata/golden/quoting-desired.xml
# Run as an administrator on the ARR server. The changes are committed together at the end;
# if one fails, none is written.
#Requires -Modules WebAdministration
Import-Module WebAdministration
$ErrorActionPreference = 'Stop'
$psPath = 'MACHINE/WEBROOT/APPHOST'
Start-WebCommitDelay
try {
    # proxy: set enabled to true
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/proxy' -Name 'enabled' -Value 'true'
    # add farm blue farm
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms' -Name '.' -Value @{name='blue farm'}
    # farm blue farm: set healthCheck.url to http://blue/health?load=100%
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''blue farm'']/applicationRequestRouting/healthCheck' -Name 'url' -Value 'http://blue/health?load=100%'
    # farm blue farm: set healthCheck.interval to 10s
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''blue farm'']/applicationRequestRouting/healthCheck' -Name 'interval' -Value '00:00:10'
    # farm blue farm: set healthCheck.timeout to 5s
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''blue farm'']/applicationRequestRouting/healthCheck' -Name 'timeout' -Value '00:00:05'
    # farm blue farm: set healthCheck.responseMatch to "it's \"up\" & ready"
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''blue farm'']/applicationRequestRouting/healthCheck' -Name 'responseMatch' -Value 'it''s "up" & ready'
    # farm blue farm: set healthCheck.minServers to 1
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''blue farm'']/applicationRequestRouting/healthCheck' -Name 'minServers' -Value '1'
    # add server 10.0.4.1 in farm blue farm
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''blue farm'']' -Name '.' -Value @{address='10.0.4.1'}
    # farm O'Brien farm: set healthCheck.responseMatch to "it's up"
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name="O''Brien farm"]/applicationRequestRouting/healthCheck' -Name 'responseMatch' -Value 'it''s up'
    # add rule Blue & green | 50%
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules' -Name '.' -Value @{name='Blue & green | 50%'}
    # rule Blue & green | 50%: set stopProcessing to true
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''Blue & green | 50%'']' -Name 'stopProcessing' -Value 'true'
    # rule Blue & green | 50%: set match.url to ^(blue|green)/(.*)$
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''Blue & green | 50%'']/match' -Name 'url' -Value '^(blue|green)/(.*)$'
    # add condition {HTTP_HOST} in rule Blue & green | 50%
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''Blue & green | 50%'']/conditions' -Name '.' -Value @{input='{HTTP_HOST}'; pattern='^www\.contoso\.com$'}
    # rule Blue & green | 50%: set action.type to Rewrite
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''Blue & green | 50%'']/action' -Name 'type' -Value 'Rewrite'
    # rule Blue & green | 50%: set action.url to "http://blue farm/{R:2}"
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''Blue & green | 50%'']/action' -Name 'url' -Value 'http://blue farm/{R:2}'
    # add rule Say "it's"
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules' -Name '.' -Value @{name='Say "it''s"'}
    # rule Say "it's": set patternSyntax to Wildcard
    # !! make this change by hand: system.webServer/rewrite/globalRules/rule[@name="Say "it's""] cannot be quoted as an XPath filter
    # rule Say "it's": set match.url to say/*
    # !! make this change by hand: system.webServer/rewrite/globalRules/rule[@name="Say "it's""]/match cannot be quoted as an XPath filter
    # server 10.0.3.2 in farm O'Brien farm: out of rotation before its removal
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name="O''Brien farm"]/server[@address=''10.0.3.2'']' -Name 'enabled' -Value 'false'
    # remove server 10.0.3.2 in farm O'Brien farm
    Remove-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name="O''Brien farm"]' -Name '.' -AtElement @{address='10.0.3.2'}
    Stop-WebCommitDelay -Commit $true
} catch {
    Stop-WebCommitDelay -Commit $false
    throw
}
