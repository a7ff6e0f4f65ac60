namespace Replicator.Relay;

public enum CheckpointAdvance
{
    /// <summary>The shard's checkpoint moved forward.</summary>
    Advanced,

    /// <summary>The stored checkpoint is already at or past this one (a re-delivered batch); nothing was written.</summary>
    AlreadyAtOrPast,
}
