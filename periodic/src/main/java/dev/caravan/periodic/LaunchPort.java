package dev.caravan.periodic;

/** Where the launcher sends a due slot: derives and registers the child job (via Raft). */
public interface LaunchPort {

    /**
     * Launches the child {@code <parentId>/periodic-<slotUnixSeconds>}.
     *
     * @return whether a child was launched (false when skipped, e.g. prohibit_overlap)
     */
    boolean launch(String parentId, long slotUnixSeconds);
}
