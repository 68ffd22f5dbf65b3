module github.com/arrfarm/arrfarm

go 1.26

require github.com/spf13/cobra v1.10.2

require (
	cuelang.org/go v0.17.1 // indirect
	github.com/beevik/etree v1.8.1 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/spf13/pflag v1.0.10 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/text v0.14.0 // indirect
)
