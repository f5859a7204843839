package io.ternmq.bench.fuzz;

import io.ternmq.fuzz.Completion;
import io.ternmq.fuzz.FuzzCase;

/**
 * One case as it went.
 *
 * @param fuzzCase     the case
 * @param completion   what its packet declares, and the padding sent for it
 * @param outcome      how the broker dealt with it
 * @param last         what the broker sent last before the verdict, e.g. "DISCONNECT 0x81", or "nothing"; for
 *                     refused-connect and connect-failed, why
 * @param connectReply bytes received after the valid CONNECT, before the case was sent
 * @param caseReply    bytes received after the case was sent
 * @param allWritten   whether every byte of the case reached the socket before the verdict
 */
record CaseResult(FuzzCase fuzzCase, Completion completion, Outcome outcome, String last, byte[] connectReply,
                  byte[] caseReply, boolean allWritten) {
}
