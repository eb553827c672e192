module unwind_go

go 1.26
