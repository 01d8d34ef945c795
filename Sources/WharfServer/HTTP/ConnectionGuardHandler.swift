import Metrics
import NIOCore
import WharfMetrics

/// What ``RequestProgressHandler`` tells a connection's ``ConnectionGuardHandler``: a request's
/// headers were read, or its answer was written to the end.
enum RequestProgress: Sendable {
    case started
    case ended
}

/// Keeps one connection inside the listener's limits, nearest the socket.
///
/// It admits the connection (``ConnectionAdmission``), and cuts it when the client holds it
/// without using it: headers not complete within the header timeout, no request within the
/// idle timeout after the last answer, or nothing of an answer read for the write-stall
/// timeout. It sees only bytes and ``RequestProgress`` events, so the same handler guards
/// HTTP/1.1, TLS and HTTP/2 connections.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IOData

    /// Why a connection was cut: the `reason` label of ``WharfMetric/connectionsCut``.
    enum Cut: String {
        case header
        case idle
        case writeStall = "writestall"
        /// An HTTP/1.1 request's headers beyond `http.limits.headerbytes` or `headercount` (431).
        case headerLimit = "headerlimit"
        /// More HTTP/2 streams open at once than `http.limits.http2streams`.
        case http2Streams = "http2streams"
        /// An HTTP/2 header list beyond `http.limits.http2headerlist`.
        case http2HeaderList = "http2headerlist"
        /// HTTP/2 streams reset faster than `http.limits.http2resets` in `http2resetwindow`.
        case rapidReset = "rapidreset"
        /// Another HTTP/2 flood swift-nio-http2 ends with ENHANCE_YOUR_CALM (control frames,
        /// empty DATA frames, CONTINUATION frames, stream errors).
        case http2Flood = "http2flood"
        /// An HTTP/2 frame swift-nio-http2 could not parse, ended with GOAWAY; among them a header
        /// block that decodes beyond `http2headerlist` from fewer bytes (COMPRESSION_ERROR), which
        /// it does not tell apart.
        case http2Malformed = "http2malformed"

        func count() {
            Counter(label: WharfMetric.connectionsCut.name, dimensions: [(WharfMetric.Label.reason, rawValue)]).increment()
        }
    }

    private enum Phase {
        case awaitingHeaders
        case serving(requests: Int)
        case idle
    }

    private let admission: ConnectionAdmission
    private let limits: WharfConfiguration.ListenerLimits
    private var client: String?
    private var started = false
    private var phase = Phase.awaitingHeaders
    private var phaseDeadline: Scheduled<Void>?
    private var unfinishedWrites = 0
    private var lastWriteProgress = NIODeadline.now()
    private var stallCheck: Scheduled<Void>?

    init(admission: ConnectionAdmission, limits: WharfConfiguration.ListenerLimits) {
        self.admission = admission
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .idle = phase {
            phase = .awaitingHeaders
            schedulePhaseDeadline(context: context, after: limits.headerTimeout, cut: .header)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let written = promise ?? context.eventLoop.makePromise()
        if unfinishedWrites == 0 { lastWriteProgress = .now() }
        unfinishedWrites += 1
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.unfinishedWrites -= 1
            self.lastWriteProgress = .now()
        }
        if stallCheck == nil { scheduleStallCheck(context: context) }
        context.write(data, promise: written)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        let requests = if case .serving(let requests) = phase { requests } else { 0 }
        switch progress {
        case .started:
            phaseDeadline?.cancel()
            phaseDeadline = nil
            phase = .serving(requests: requests + 1)
        case .ended where requests > 1:
            phase = .serving(requests: requests - 1)
        case .ended:
            phase = .idle
            schedulePhaseDeadline(context: context, after: limits.idleTimeout, cut: .idle)
        }
        promise?.succeed()
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let client = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if admission.admit(client) != nil {
            context.close(promise: nil)
            return
        }
        self.client = client
        schedulePhaseDeadline(context: context, after: limits.headerTimeout, cut: .header)
    }

    private func finish() {
        phaseDeadline?.cancel()
        stallCheck?.cancel()
        phaseDeadline = nil
        stallCheck = nil
        if let client {
            admission.release(client)
            self.client = nil
        }
    }

    private func schedulePhaseDeadline(context: ChannelHandlerContext, after timeout: Duration, cut: Cut) {
        phaseDeadline?.cancel()
        phaseDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.phaseDeadline = nil
            switch (self.phase, cut) {
            case (.awaitingHeaders, .header), (.idle, .idle): self.cut(context: context, cut)
            default: break
            }
        }
    }

    /// Checks, when the oldest unfinished write has waited the stall timeout, that the client
    /// has read something since; checked lazily, so a busy connection costs no timer per write.
    private func scheduleStallCheck(context: ChannelHandlerContext) {
        let deadline = lastWriteProgress + TimeAmount(limits.writeStallTimeout)
        stallCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.stallCheck = nil
            guard self.unfinishedWrites > 0 else { return }
            if NIODeadline.now() >= self.lastWriteProgress + TimeAmount(self.limits.writeStallTimeout) {
                self.cut(context: context, .writeStall)
            } else {
                self.scheduleStallCheck(context: context)
            }
        }
    }

    private func cut(context: ChannelHandlerContext, _ cut: Cut) {
        cut.count()
        context.close(promise: nil)
    }
}
