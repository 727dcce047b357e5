package io.walgate.adapter.sqs;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Whether a failed {@code SendMessage} certainly did not store the message ({@code LogAppender}'s
 * guarantee 6).
 *
 * <p>The SDK retries underneath: the exception it throws is the last attempt's, with {@link
 * SdkException#numAttempts()} and each earlier attempt only as a suppressed "Request attempt N
 * failure: message". An earlier attempt may have stored the message before its answer was lost (a
 * read timeout, a connection reset, a 5xx), so the call is certain only when every attempt is: the
 * service answered 4xx (SQS refuses before it stores), or the connection was never made.
 */
final class SqsFailures {
    /** How the SDK words a service error ("... (Service: Sqs, Status Code: 400, ...)"). */
    private static final Pattern CLIENT_ERROR = Pattern.compile("Status Code: 4(?!08)\\d\\d\\b");

    /** How a connection that was never made reads in an earlier attempt's message. */
    private static final Pattern NEVER_CONNECTED =
            Pattern.compile("Connection refused|No route to host|UnknownHostException|Name or service not known");

    private SqsFailures() {}

    /** True only when no attempt of the call can have stored the message. */
    static boolean certainlyNotStored(SdkException e) {
        if (!attemptCertain(e)) {
            return false;
        }
        Throwable[] earlier = e.getSuppressed();
        Integer attempts = e.numAttempts();
        if (attempts != null && earlier.length < attempts - 1) {
            return false; // an attempt we know nothing about
        }
        for (Throwable attempt : earlier) {
            String message = String.valueOf(attempt.getMessage());
            if (!CLIENT_ERROR.matcher(message).find()
                    && !NEVER_CONNECTED.matcher(message).find()) {
                return false;
            }
        }
        return true;
    }

    private static boolean attemptCertain(SdkException e) {
        if (e instanceof AwsServiceException service) {
            return service.statusCode() >= 400 && service.statusCode() < 500 && service.statusCode() != 408;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
