#!/bin/bash
# test/demo_check.sh: run the demo (test/demo.sh) and check what it prints,
# so that the README's first command cannot rot.  CI runs it on 15 and on
# 18 (test/run_all.sh).  Same environment as the demo (PG_CONFIG,
# DEMO_SECONDS, PSS_NO_DEPS).  Checks:
#   - the demo ends without error;
#   - the ranking: pg_slow_statements_top's header and ranks 1 to 5, the
#     N+1 row with its trend;
#   - the N+1 loop: the order form's per-line lookup, eight calls in one
#     transaction (max_calls_per_xact 8), and who sends it: application
#     shop-web, route /orders/<int:id> (its sqlcommenter tags, decoded);
#   - the slow sample: the slowest execution's text and plan.
# Prints the demo's output, one line per check, and "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

out=$(mktemp /tmp/pss_demo_out.XXXXXX)
trap 'rm -f "$out"' EXIT
passed=0
failed=0

# check NAME: count the outcome of the test just before it
check() {
	if [ $? -eq 0 ]; then
		echo "demo: $1: ok"
		passed=$((passed + 1))
	else
		echo "demo: $1: FAILED"
		failed=$((failed + 1))
	fi
}

bash test/demo.sh >"$out" 2>&1
check "runs to the end"
cat "$out"
echo

grep -qE '^ *rank *\| *queryid *\| *pct_total_time' "$out"
check "ranking header"
for r in 1 2 3 4 5; do
	grep -qE "^ +$r \| +-?[0-9]+ \|" "$out" || false
done
check "ranks 1 to 5"
# columns of pg_slow_statements_top: ... | max_calls_per_xact | mostly |
# trend | top_source | query; the trend has at least one bar (the demo's
# minute), the top source names the application and the route
grep -qE '\| +8 \| [A-Za-z]* *[0-9]*%? *\| [^|]*[^ |][^|]*\| shop-web /orders/<int:id> *\| SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_li' "$out"
check "N+1 row with max_calls_per_xact 8, a trend and its top source"
grep -qE '^ *shop-web +\| sale\.order +\| /orders/<int:id> +\| +[0-9]+ \|' "$out"
check "N+1 sources: application and decoded tags"
grep -qE '^slowest_query +\| SELECT' "$out"
check "slow sample: text"
grep -qE '^slowest_plan +\| .*(Scan|Limit|Sort|Aggregate|Join|Result)' "$out"
check "slow sample: plan"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
