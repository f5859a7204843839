package io.ternmq.store;

import java.util.Arrays;

/**
 * The sequence numbers and weights of a queue's entries, in queue order: the part of a queue that always stays on
 * the heap, twelve bytes an entry, so the queue's length, weight and order are known without reading the store.
 */
final class SeqQueue {

    private long[] seqs = new long[8];
    private int[] weights = new int[8];
    private int head;
    private int size;

    int size() {
        return size;
    }

    void add(long seq, int weight) {
        if (size == seqs.length) {
            grow();
        }
        int at = (head + size) % seqs.length;
        seqs[at] = seq;
        weights[at] = weight;
        size++;
    }

    long seq(int i) {
        return seqs[(head + i) % seqs.length];
    }

    int weight(int i) {
        return weights[(head + i) % weights.length];
    }

    long headSeq() {
        return seqs[head];
    }

    int headWeight() {
        return weights[head];
    }

    void removeHead() {
        head = (head + 1) % seqs.length;
        size--;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    private void grow() {
        long[] s = new long[seqs.length * 2];
        int[] w = new int[weights.length * 2];
        for (int i = 0; i < size; i++) {
            s[i] = seq(i);
            w[i] = weight(i);
        }
        seqs = s;
        weights = w;
        head = 0;
    }

    @Override
    public String toString() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = seq(i);
        }
        return Arrays.toString(out);
    }
}
