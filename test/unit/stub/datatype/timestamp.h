/*-------------------------------------------------------------------------
 *
 * datatype/timestamp.h (test stub): see stub/postgres.h
 *
 * test/unit/stub/datatype/timestamp.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_TEST_STUB_TIMESTAMP_H
#define PSS_TEST_STUB_TIMESTAMP_H

typedef int64 TimestampTz;

#define USECS_PER_SEC	INT64_C(1000000)

#endif
