module tracergoroutines

go 1.21
