/**
 * How the functions' logs are written: one flat JSON object per line on stdout ({@link
 * io.autotag.shared.logging.FlatJsonEncoder}, used by each function's {@code logback.xml}), the
 * shape Lambda's JSON log format and CloudWatch Logs Insights read field by field.
 */
package io.autotag.shared.logging;
