package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A data set uploaded for jobs ({@code POST /datasets/{owner}/{name}}).
 *
 * @param dataset {@code owner/name}
 * @param format {@code csv} or {@code idx}
 * @param labelsSha256 the IDX labels' SHA-256, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetInfo(
    String dataset, String format, String dataSha256, long dataSize, String labelsSha256) {}
