/// The dcskit core's runtime, as seen from Swift (for diagnostics and the one-runtime test).
public enum DcsRuntime {
    /// The id of the core's one tokio runtime.
    public static var coreRuntimeId: String { nativeCoreRuntimeId() }

    /// The id of the runtime a DcsKit call's work runs on (it must equal `coreRuntimeId`).
    public static func runtimeIdOfCalls() async -> String? { await nativeRuntimeIdOfCalls() }

    /// The same probe without spawning onto the core runtime: `nil`, since Swift's executor,
    /// not tokio, polls the future (the negative control of the one-runtime test).
    public static func runtimeIdUnspawned() async -> String? { await nativeRuntimeIdUnspawned() }
}
