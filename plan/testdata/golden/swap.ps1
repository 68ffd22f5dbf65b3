# arrfarm plan: make testdata/current.config match testdata/desired.yaml
# Run as an administrator on the ARR server. The changes are committed together at the end;
# if one fails, none is written.
#Requires -Modules WebAdministration
Import-Module WebAdministration
$ErrorActionPreference = 'Stop'
$psPath = 'MACHINE/WEBROOT/APPHOST'
Start-WebCommitDelay
try {
    # proxy: set timeout to 3m
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/proxy' -Name 'timeout' -Value '00:03:00'
    # farm web: set protocol.timeout to 45s
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''web'']/applicationRequestRouting/protocol' -Name 'timeout' -Value '00:00:45'
    # server 10.0.0.12 in farm web: set weight to 200
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''web'']/server[@address=''10.0.0.12'']/applicationRequestRouting' -Name 'weight' -Value '200'
    # add server 10.0.0.15 in farm web
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''web'']' -Name '.' -Value @{address='10.0.0.15'}
    # add farm api
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms' -Name '.' -Value @{name='api'}
    # farm api: set adminPassword by hand (a secret: arrfarm never writes its value into a plan)
    # farm api: set healthCheck.url to http://api/health
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''api'']/applicationRequestRouting/healthCheck' -Name 'url' -Value 'http://api/health'
    # farm api: set healthCheck.interval to 10s
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''api'']/applicationRequestRouting/healthCheck' -Name 'interval' -Value '00:00:10'
    # farm api: set healthCheck.timeout to 5s
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''api'']/applicationRequestRouting/healthCheck' -Name 'timeout' -Value '00:00:05'
    # farm api: set healthCheck.minServers to 1
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''api'']/applicationRequestRouting/healthCheck' -Name 'minServers' -Value '1'
    # add server 10.0.2.1 in farm api
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''api'']' -Name '.' -Value @{address='10.0.2.1'}
    # add server 10.0.2.2 in farm api
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''api'']' -Name '.' -Value @{address='10.0.2.2'}
    # remove rule ARR_old_loadbalance
    Remove-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules' -Name '.' -AtElement @{name='ARR_old_loadbalance'}
    # remove rule ARR web loadbalance
    Remove-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules' -Name '.' -AtElement @{name='ARR web loadbalance'}
    # add rule ARR_api_loadbalance
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules' -Name '.' -Value @{name='ARR_api_loadbalance'}
    # rule ARR_api_loadbalance: set patternSyntax to Wildcard
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR_api_loadbalance'']' -Name 'patternSyntax' -Value 'Wildcard'
    # rule ARR_api_loadbalance: set stopProcessing to true
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR_api_loadbalance'']' -Name 'stopProcessing' -Value 'true'
    # rule ARR_api_loadbalance: set match.url to api/*
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR_api_loadbalance'']/match' -Name 'url' -Value 'api/*'
    # rule ARR_api_loadbalance: set action.type to Rewrite
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR_api_loadbalance'']/action' -Name 'type' -Value 'Rewrite'
    # rule ARR_api_loadbalance: set action.url to http://api/{R:0}
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR_api_loadbalance'']/action' -Name 'url' -Value 'http://api/{R:0}'
    # add rule ARR web loadbalance
    Add-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules' -Name '.' -Value @{name='ARR web loadbalance'}
    # rule ARR web loadbalance: set patternSyntax to Wildcard
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR web loadbalance'']' -Name 'patternSyntax' -Value 'Wildcard'
    # rule ARR web loadbalance: set stopProcessing to true
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR web loadbalance'']' -Name 'stopProcessing' -Value 'true'
    # rule ARR web loadbalance: set match.url to *
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR web loadbalance'']/match' -Name 'url' -Value '*'
    # rule ARR web loadbalance: set action.type to Rewrite
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR web loadbalance'']/action' -Name 'type' -Value 'Rewrite'
    # rule ARR web loadbalance: set action.url to http://web/{R:0}
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'system.webServer/rewrite/globalRules/rule[@name=''ARR web loadbalance'']/action' -Name 'url' -Value 'http://web/{R:0}'
    # server 10.0.0.13 in farm web: out of rotation before its removal
    Set-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''web'']/server[@address=''10.0.0.13'']' -Name 'enabled' -Value 'false'
    # remove server 10.0.0.13 in farm web
    Remove-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms/webFarm[@name=''web'']' -Name '.' -AtElement @{address='10.0.0.13'}
    # remove farm old
    Remove-WebConfigurationProperty -PSPath $psPath -Filter 'webFarms' -Name '.' -AtElement @{name='old'}
    Stop-WebCommitDelay -Commit $true
} catch {
    Stop-WebCommitDelay -Commit $false
    throw
}
