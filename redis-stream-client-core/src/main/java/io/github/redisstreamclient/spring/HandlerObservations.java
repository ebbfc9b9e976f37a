package io.github.redisstreamclient.spring;

/**
 * Observes stream handler calls. {@link #NOOP} where no observation registry was given, so that handlers run
 * without Micrometer on the class path.
 */
interface HandlerObservations {

	/** Observes nothing. */
	HandlerObservations NOOP = (event, handlerName, call) -> call.run();

	/** Runs one handler call, throwing what it throws. */
	void observe(StreamEvent event, String handlerName, Runnable call);

}
