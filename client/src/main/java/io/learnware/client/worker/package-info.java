/**
 * The worker protocol's wire records ({@code /api/v1/worker}, worker tokens only): what a worker
 * sends and the claim it receives. Apart from the user API's records in {@code
 * io.learnware.client}, since only workers speak this protocol.
 */
package io.learnware.client.worker;
