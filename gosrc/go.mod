module escapeharness

go 1.19
