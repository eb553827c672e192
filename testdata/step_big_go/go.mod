module step_big_go

go 1.22
