UPDATE t SET "a"=NULL, "b"=true WHERE a IS /* c */ NOT -- x
 NULL AND b IS NOT FALSE AND c IN (1, NULL) AND d = ANY(ARRAY[true, false]); INSERT INTO t VALUES (NULL, 'x'), (1, NULL)