package adapter

import (
	"errors"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// memoryHandlers: readMemory, writeMemory, disassemble.
func memoryHandlers() map[string]handler {
	return map[string]handler{
		"readMemory": {run: on(readMemory),
			advertise: func(c *dap.Capabilities) { c.SupportsReadMemoryRequest = true }},
		"writeMemory": {run: on(writeMemory),
			advertise: func(c *dap.Capabilities) { c.SupportsWriteMemoryRequest = true }},
		"disassemble": {run: on(disassemble),
			advertise: func(c *dap.Capabilities) { c.SupportsDisassembleRequest = true }},
	}
}

func readMemory(s *session.Session, req *dap.ReadMemoryRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.MemoryReference == "" {
		return nil, errors.New(`readMemory needs "memoryReference"`)
	}
	body, err := s.ReadMemory(args.MemoryReference, args.Offset, args.Count)
	if err != nil {
		return nil, err
	}
	return &dap.ReadMemoryResponse{Body: body}, nil
}

func writeMemory(s *session.Session, req *dap.WriteMemoryRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.MemoryReference == "" {
		return nil, errors.New(`writeMemory needs "memoryReference"`)
	}
	body, err := s.WriteMemory(args.MemoryReference, args.Offset, args.Data, args.AllowPartial)
	if err != nil {
		return nil, err
	}
	return &dap.WriteMemoryResponse{Body: body}, nil
}

func disassemble(s *session.Session, req *dap.DisassembleRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.MemoryReference == "" {
		return nil, errors.New(`disassemble needs "memoryReference" (an instructionPointerReference from stackTrace, for example)`)
	}
	insts, err := s.Disassemble(args.MemoryReference, args.Offset, args.InstructionOffset, args.InstructionCount, args.ResolveSymbols)
	if err != nil {
		return nil, err
	}
	return &dap.DisassembleResponse{Body: dap.DisassembleResponseBody{Instructions: insts}}, nil
}
