INSERT INTO t (a, b) VALUES (1, 'a'), (2, 'b'),
  (3, 'c') RETURNING id;