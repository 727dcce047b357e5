package io.walgate.adapter.sqs;

import io.walgate.adapter.spi.DeadLetterHeaders;
import io.walgate.adapter.spi.DeadLetterQueue;
import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.DeadLettered.Place;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * SQS dead-letter queues for operators' tools. SQS can neither read nor delete a message by its id:
 * both need it received. So a call receives the DLQ's messages (hidden from other receivers for
 * {@link #HIDDEN_SECONDS}), keeps those it looks for, and makes the others visible again when it
 * ends.
 *
 * <ol>
 *   <li>A call looks at no more than {@link #MAX_SCANNED} messages. It stops once it has found every
 *       one it looks for, or when two receives in a row (each waiting up to a second: a short poll
 *       samples only some of SQS's servers) bring nothing: then it has seen the whole queue.
 *   <li>{@link #remove} answers what the queue no longer holds: the messages it deleted, and, when
 *       it saw the whole queue, those it looked for and did not find (deleted before, or expired). A
 *       delete that fails is not in the answer; the others go on.
 *   <li>While a call scans, the DLQ's depth (messages visible) reads lower; nothing else receives
 *       from a DLQ. A controller that dies mid-scan leaves messages hidden until their time is up.
 *   <li>Calls take turns (one scan at a time per instance).
 *   <li>A body is the envelope in base64, as the worker wrote it; one that is not base64 (a message
 *       that was never an envelope) is answered as its UTF-8 bytes.
 * </ol>
 */
public final class SqsDeadLetterQueue implements DeadLetterQueue {
    private static final System.Logger LOG = System.getLogger(SqsDeadLetterQueue.class.getName());
    static final int HIDDEN_SECONDS = 300;
    static final int MAX_SCANNED = 10_000;
    private static final int EMPTY_RECEIVES_AT_END = 2;

    private final SqsClient sqs;

    public SqsDeadLetterQueue(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public synchronized Map<Place, byte[]> read(String queue, Collection<Place> places) {
        Map<Place, byte[]> found = new LinkedHashMap<>();
        scan(queue, places, (place, message) -> {
            found.put(place, body(message.body()));
            return false;
        });
        return found;
    }

    @Override
    public synchronized Set<Place> remove(String queue, Collection<Place> places) {
        Set<Place> gone = new HashSet<>();
        Set<String> failed = new HashSet<>();
        String url = url(queue);
        boolean sawAll;
        try {
            sawAll = scan(queue, places, (place, message) -> {
                try {
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
                    gone.add(place);
                    return true;
                } catch (RuntimeException e) {
                    LOG.log(
                            Level.WARNING,
                            "could not delete dead letter {0} from {1}: {2}",
                            message.messageId(),
                            queue,
                            e);
                    failed.add(message.messageId());
                    return false;
                }
            });
        } catch (RuntimeException e) {
            // What was deleted before SQS failed is gone all the same: say so, so the index says so too.
            LOG.log(Level.WARNING, "removing dead letters from {0} failed part way: {1}", queue, e);
            return gone;
        }
        if (sawAll) {
            // Looked for in the whole queue and not found: gone already.
            places.stream().filter(p -> !failed.contains(p.messageId())).forEach(gone::add);
        }
        return gone;
    }

    @Override
    public synchronized List<DeadLettered> scan(String namespace, String queue, int limit) {
        String url = url(queue);
        List<Message> seen = new ArrayList<>();
        List<DeadLettered> found = new ArrayList<>();
        try {
            int empty = 0;
            while (seen.size() < Math.min(limit, MAX_SCANNED) && empty < EMPTY_RECEIVES_AT_END) {
                List<Message> batch = receive(url, true);
                empty = batch.isEmpty() ? empty + 1 : 0;
                for (Message m : batch) {
                    seen.add(m);
                    found.add(indexEntry(namespace, queue, m));
                }
            }
        } finally {
            show(url, seen);
        }
        return found;
    }

    private static DeadLettered indexEntry(String namespace, String queue, Message m) {
        Map<String, String> headers = new HashMap<>();
        m.messageAttributes().forEach((name, value) -> {
            if (value.stringValue() != null) {
                headers.put(name, value.stringValue());
            }
        });
        Envelope entry;
        try {
            entry = EnvelopeCodec.decode(body(m.body()));
        } catch (RuntimeException notAnEnvelope) {
            entry = null;
        }
        String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        Instant sentAt = sent == null ? Instant.now() : Instant.ofEpochMilli(Long.parseLong(sent));
        return DeadLetterHeaders.read(headers, entry, namespace, sentAt, Place.sqs(queue, m.messageId()));
    }

    /** What to do with a message looked for; answers whether it is gone (else it is shown again). */
    private interface Found {
        boolean take(Place place, Message message);
    }

    /** @return whether the scan saw the whole queue */
    private boolean scan(String queue, Collection<Place> places, Found found) {
        Map<String, Place> wanted = new HashMap<>();
        places.forEach(p -> wanted.put(p.messageId(), p));
        if (wanted.isEmpty()) {
            return false;
        }
        String url = url(queue);
        List<Message> others = new ArrayList<>();
        int scanned = 0;
        int empty = 0;
        try {
            while (!wanted.isEmpty() && scanned < MAX_SCANNED && empty < EMPTY_RECEIVES_AT_END) {
                List<Message> batch = receive(url, false);
                empty = batch.isEmpty() ? empty + 1 : 0;
                scanned += batch.size();
                for (Message m : batch) {
                    Place place = wanted.remove(m.messageId());
                    if (place == null) {
                        others.add(m);
                    } else if (!found.take(place, m)) {
                        others.add(m);
                    }
                }
            }
        } finally {
            show(url, others);
        }
        return empty >= EMPTY_RECEIVES_AT_END;
    }

    private List<Message> receive(String url, boolean withAttributes) {
        return sqs.receiveMessage(b -> {
                    b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(HIDDEN_SECONDS)
                            .waitTimeSeconds(1);
                    if (withAttributes) {
                        b.messageAttributeNames("All")
                                .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP);
                    }
                })
                .messages();
    }

    /** Makes {@code messages} visible again, ten at a time (SQS's batch limit). */
    private void show(String url, List<Message> messages) {
        for (int i = 0; i < messages.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (Message m : messages.subList(i, Math.min(i + 10, messages.size()))) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size()))
                        .receiptHandle(m.receiptHandle())
                        .visibilityTimeout(0)
                        .build());
            }
            try {
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
            } catch (RuntimeException e) {
                // They come back by themselves when their hidden time is up.
                LOG.log(Level.WARNING, "could not show {0} dead letters of {1} again: {2}", entries.size(), url, e);
            }
        }
    }

    private String url(String queue) {
        return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }

    static byte[] body(String body) {
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        // the client is the caller's
    }
}
