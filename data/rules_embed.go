package data

import _ "embed"

// defaultRulesYAML is the built-in rule set; data/rules/default.yaml documents the
// format and the condition language.
//
//go:embed rules/default.yaml
var defaultRulesYAML []byte
