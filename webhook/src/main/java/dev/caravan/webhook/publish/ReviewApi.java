package dev.caravan.webhook.publish;

import java.util.List;

/**
 * The few calls of a provider's REST API that publishing needs: the comments of one pull request
 * and the commit status of its head.
 */
interface ReviewApi {
    /** A comment as the provider stores it; {@code version} only matters to Bitbucket Server. */
    record Comment(String id, String body, long version) {
    }

    /** The longest comment body the provider accepts. */
    int maxCommentLength();

    List<Comment> comments(long number) throws PublishException;

    void create(long number, String body) throws PublishException;

    void edit(long number, Comment comment, String body) throws PublishException;

    void delete(long number, Comment comment) throws PublishException;

    void status(String sha, CommitState state, String description, String targetUrl) throws PublishException;
}
