# test/peer/transform.sed: the only changes made to PostgreSQL's own
# contrib/pg_stat_statements regression suite (its sql/*.sql, expected/*.out
# and pg_stat_statements.conf) before test/peer/peer_suite.sh runs it
# through the compatibility extension.  Applied at run time, to both the
# input and the expected output, so that the echoed statements still match.
#
# 1. The settings' prefix: pg_stat_statements.track and the like are ours,
#    pg_slow_statements.track (in SET, SHOW and their output).
s/pg_stat_statements\.\([a-z_]\)/pg_slow_statements.\1/g
# 2. The library to preload (pg_stat_statements.conf).
s/^\(shared_preload_libraries *= *'\)pg_stat_statements'/\1pg_slow_statements'/
# 3. CREATE, ALTER and DROP EXTENSION act on the compat extension
#    (pg_slow_statements, which it requires, is created in the test
#    database beforehand: pg_regress --load-extension).
s/^\(CREATE\|ALTER\|DROP\) \(EXTENSION\) pg_stat_statements\b/\1 \2 pg_slow_statements_compat/I
