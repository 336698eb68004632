//go:build !js

package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// startAPI: natively there is no parent window (embed_api_js.go).
func (p *playground) startAPI(app.Context) {}

// postProblem: natively there is no parent window (embed_api_js.go).
func postProblem(string) {}
