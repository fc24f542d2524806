package dev.caravan.cluster.raft;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.CommandCodec;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine: decodes each committed command and applies it with
 * {@link StateMachineCore}; snapshots are the whole image as JSON, one file named by term and
 * index. Apply never throws: an undecodable entry is logged and only takes the index.
 */
public final class CaravanStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(CaravanStateMachine.class);

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Object monitor = new Object();
  private volatile StateImage image = StateImage.EMPTY;
  private final ExecutorService snapshotWriter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "caravan-snapshot-writer");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean snapshotWriting = new AtomicBoolean();
  private final SnapshotPacing pacing;
  /** The latest snapshot the background writer finished. */
  private volatile long writtenSnapshot = -1;
  /** The latest snapshot index reported to Ratis, or loaded (never report an older one). */
  private volatile long reportedSnapshot = -1;
  private volatile boolean inlineSnapshot;
  private volatile BiConsumer<RaftGroupMemberId, RaftPeerId> leaderListener = (g, p) -> { };
  /** Called after every apply with the command and the new image (on the applier thread). */
  private volatile BiConsumer<Command, StateImage> applyListener = (c, s) -> { };

  /**
   * @param snapshotInterval the least time between the starts of two background snapshots
   *     (Ratis asks for one every so many entries; see {@link SnapshotPacing})
   */
  public CaravanStateMachine(java.time.Duration snapshotInterval) {
    this.pacing = new SnapshotPacing(snapshotInterval, System.nanoTime());
  }

  public StateImage image() {
    return image;
  }

  public void onLeaderChanged(BiConsumer<RaftGroupMemberId, RaftPeerId> listener) {
    this.leaderListener = listener;
  }

  private volatile Runnable leaderReadyListener = () -> { };

  /** Called when this server, newly leader, has applied its first entry of the term. */
  public void onLeaderReady(Runnable listener) {
    this.leaderReadyListener = listener;
  }

  @Override
  public void notifyLeaderReady() {
    leaderReadyListener.run();
  }

  public void onApply(BiConsumer<Command, StateImage> listener) {
    this.applyListener = listener;
  }

  /** Answers read-only requests (Ratis queries, which a client sends to the leader). */
  private volatile java.util.function.Function<Message, CompletableFuture<Message>> queryHandler =
      m -> CompletableFuture.failedFuture(new IllegalStateException("no query handler"));

  /**
   * Sets what answers read-only requests: the servers use them for what must reach the leader
   * without being a Raft write (a client's heartbeat received by a follower).
   */
  public void onQuery(java.util.function.Function<Message, CompletableFuture<Message>> handler) {
    this.queryHandler = handler;
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    return queryHandler.apply(request);
  }

  /** The thread applying entries, which must never wait for an entry to be applied. */
  private volatile Thread applier;

  /** Whether the calling thread is the one applying entries (waiting there would deadlock). */
  public boolean isApplierThread() {
    return Thread.currentThread() == applier;
  }

  /** Set once nothing will be applied here any more: waits for an index end at once. */
  private volatile boolean stopped;

  /** Nothing will be applied here any more (the Raft server stopped): waiters return now. */
  public void stopWaiting() {
    stopped = true;
    synchronized (monitor) {
      monitor.notifyAll();
    }
  }

  /**
   * Blocks until the image's index reaches {@code minIndex} or the deadline passes, or the
   * server stopped applying entries.
   */
  public StateImage awaitIndex(long minIndex, long deadlineNanos) throws InterruptedException {
    synchronized (monitor) {
      while (image.index() < minIndex && !stopped) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          break;
        }
        monitor.wait(Math.max(1, left / 1_000_000));
      }
      return image;
    }
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    load(storage.loadLatestSnapshot());
  }

  @Override
  public void reinitialize() throws IOException {
    load(storage.loadLatestSnapshot());
  }

  private void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      return;
    }
    File file = snapshot.getFile().getPath().toFile();
    if (!file.exists()) {
      return;
    }
    StateImage restored;
    try (java.io.InputStream in = new java.io.BufferedInputStream(
        Files.newInputStream(file.toPath()), 1 << 16)) {
      restored = StateImage.fromJson(in);
    }
    TermIndex last = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file);
    synchronized (monitor) {
      image = restored;
      setLastAppliedTermIndex(last);
      monitor.notifyAll();
    }
    // a snapshot installed from the leader: a background write of an older image finishing
    // later must not be reported after it
    reportedSnapshot = Math.max(reportedSnapshot, last.getIndex());
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /** The next snapshot is written before {@link #takeSnapshot} returns (an operator asked). */
  public void writeNextSnapshotInline() {
    inlineSnapshot = true;
  }

  /**
   * Called by Ratis on its applier thread when enough entries were applied since the last
   * snapshot (or when asked). The image is immutable, so it is written on a background thread
   * while applies go on: a large state no longer stalls every write for as long as it takes to
   * serialize it. Until the background write is done this returns -1 (nothing new), and then
   * the index it wrote, after which Ratis may purge the log up to it. An operator's request is
   * written inline, so that its reply names a snapshot that is on disk.
   */
  @Override
  public long takeSnapshot() throws IOException {
    StateImage snap;
    TermIndex last;
    synchronized (monitor) {
      snap = image;
      last = getLastAppliedTermIndex();
    }
    if (last == null) {
      return -1;
    }
    if (inlineSnapshot) {
      inlineSnapshot = false;
      awaitSnapshotWriter();
      writeSnapshot(snap, last);
      reportedSnapshot = last.getIndex();
      return reportedSnapshot;
    }
    long written = writtenSnapshot;
    if (written > reportedSnapshot) {
      reportedSnapshot = written;
      return written;
    }
    if (!snapshotWriting.get() && pacing.tryStart(System.nanoTime())
        && snapshotWriting.compareAndSet(false, true)) {
      try {
        snapshotWriter.execute(() -> {
          try {
            writeSnapshot(snap, last);
            writtenSnapshot = last.getIndex();
          } catch (IOException | RuntimeException e) {
            LOG.error("snapshot at index {} failed", last.getIndex(), e);
          } finally {
            snapshotWriting.set(false);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        snapshotWriting.set(false); // closing
      }
    }
    return -1;
  }

  /**
   * Writes one snapshot file (streamed, its MD5 computed on the way, synced to disk before it
   * is renamed into place: the log before it may be purged once it is reported).
   */
  private void writeSnapshot(StateImage snap, TermIndex last) throws IOException {
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    File tmp = new File(file.getPath() + ".tmp");
    MessageDigest digest = MD5FileUtil.newMD5();
    try (FileOutputStream fos = new FileOutputStream(tmp)) {
      OutputStream out = new DigestOutputStream(new BufferedOutputStream(fos, 1 << 16), digest);
      snap.writeJson(out);
      out.flush();
      fos.getChannel().force(true);
    }
    Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    MD5Hash md5 = MD5Hash.newInstance(digest.digest());
    MD5FileUtil.saveMD5File(file, md5);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
  }

  private void awaitSnapshotWriter() throws IOException {
    try {
      snapshotWriter.submit(() -> { }).get();
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: nothing is being written any more
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while a snapshot was being written", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  /** Lets a snapshot being written finish (the one Ratis takes when a server stops). */
  @Override
  public void close() throws IOException {
    snapshotWriter.shutdown();
    try {
      if (!snapshotWriter.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("a snapshot was still being written after 60 s; left unfinished");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    super.close();
  }

  /**
   * This server's proposals in flight, by their bytes: when the entry comes back through the
   * log (on a follower that forwarded it, or on a leader whose transaction context was not
   * kept) the command is taken from here instead of being decoded again.
   */
  private final ConcurrentHashMap<ByteString, Command> ownProposals = new ConcurrentHashMap<>();

  /**
   * Encodes a proposal of this server. The message carries the command next to its bytes, so
   * the leader proposing locally hands the command itself to {@link #startTransaction}; until
   * {@link #proposalDone} the command also answers for its bytes when they are applied here.
   */
  public Message message(Command command) {
    ByteString bytes = UnsafeByteOperations.unsafeWrap(CommandCodec.encode(command));
    ownProposals.put(bytes, command);
    return new CommandMessage(command, bytes);
  }

  /**
   * The proposal was applied here, or failed: its bytes are no longer expected. A proposal
   * answered before it was applied here needs no call: applying it forgets it.
   */
  public void proposalDone(Message message) {
    ownProposals.remove(message.getContent());
  }

  private record CommandMessage(Command command, ByteString getContent) implements Message {
    /** Short: Ratis prints requests in its logs, and a command may be a whole job or plan. */
    @Override
    public String toString() {
      return "Command{Type=" + command.typeCode() + ", length=" + getContent.size() + "}";
    }
  }

  /**
   * On the leader, before the entry reaches the log: decodes the command (on the caller's
   * thread, not the single applier thread) and keeps it with the transaction, so that
   * {@link #applyTransaction} on the leader does not decode it again. Bytes that are not a
   * command are refused here and never reach the log.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    Command command = request.getMessage() instanceof CommandMessage m ? m.command()
        : CommandCodec.decode(request.getMessage().getContent().toByteArray());
    return TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request)
        .setStateMachineContext(command).build();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    Command command = trx.getStateMachineContext() instanceof Command c ? c : null;
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    if (command == null) {
      // removed here: a follower answered from the leader's reply may be done waiting
      command = ownProposals.remove(data);
    }
    if (command == null) { // another server's proposal, or a replayed log
      try {
        command = CommandCodec.decode(data.toByteArray());
      } catch (IOException | RuntimeException e) {
        LOG.error("skipping undecodable entry at index {}: {}", index, e.toString());
      }
    }
    applier = Thread.currentThread();
    StateImage next;
    synchronized (monitor) {
      StateImage before = image;
      try {
        next = command == null ? before : StateMachineCore.apply(before, index, command);
      } catch (RuntimeException e) {
        LOG.error("apply failed at index {}; recorded as no-op", index, e);
        next = before;
      }
      if (next.index() < index) {
        next = StateMachineCore.apply(next, index, new Command.EvalUpsert(java.util.List.of(), 0));
      }
      image = next;
      updateLastAppliedTermIndex(entry.getTerm(), index);
      monitor.notifyAll();
    }
    if (command != null) {
      try {
        applyListener.accept(command, next);
      } catch (RuntimeException e) {
        LOG.warn("apply listener failed", e);
      }
    }
    return CompletableFuture.completedFuture(
        Message.valueOf(ApplyReply.of(index, command, next).encode()));
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    leaderListener.accept(groupMemberId, newLeaderId);
  }
}
