// KlikPluginHost
