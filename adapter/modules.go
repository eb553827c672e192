package adapter

import (
	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// moduleHandlers: modules, loadedSources, source.
func moduleHandlers() map[string]handler {
	return map[string]handler{
		"modules": {run: on(modules),
			advertise: func(c *dap.Capabilities) { c.SupportsModulesRequest = true }},
		"loadedSources": {run: on(loadedSources),
			advertise: func(c *dap.Capabilities) { c.SupportsLoadedSourcesRequest = true }},
		"source": {run: on(source)},
	}
}

func modules(s *session.Session, req *dap.ModulesRequest) (dap.ResponseMessage, error) {
	mods, total, err := s.Modules(req.Arguments.StartModule, req.Arguments.ModuleCount)
	if err != nil {
		return nil, err
	}
	return &dap.ModulesResponse{Body: dap.ModulesResponseBody{Modules: mods, TotalModules: total}}, nil
}

func loadedSources(s *session.Session, req *dap.LoadedSourcesRequest) (dap.ResponseMessage, error) {
	srcs, err := s.LoadedSources()
	if err != nil {
		return nil, err
	}
	return &dap.LoadedSourcesResponse{Body: dap.LoadedSourcesResponseBody{Sources: srcs}}, nil
}

func source(s *session.Session, req *dap.SourceRequest) (dap.ResponseMessage, error) {
	path, ref := "", req.Arguments.SourceReference
	if src := req.Arguments.Source; src != nil {
		path = src.Path
		if src.SourceReference != 0 {
			ref = src.SourceReference
		}
	}
	content, err := s.Source(path, ref)
	if err != nil {
		return nil, err
	}
	return &dap.SourceResponse{Body: dap.SourceResponseBody{Content: content}}, nil
}
