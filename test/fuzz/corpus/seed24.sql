SELECT a+-+-+-1, b=--comment
1, c*/*x*/2