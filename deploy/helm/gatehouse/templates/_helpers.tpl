{{/* The release's name for every object: the release name, with the chart name unless it already holds it. */}}
{{- define "gatehouse.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gatehouse.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gatehouse.labels" -}}
{{ include "gatehouse.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.customLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "gatehouse.secretName" -}}
{{- .Values.config.existingSecret | default (include "gatehouse.fullname" .) -}}
{{- end -}}

{{- define "gatehouse.configName" -}}
{{- .Values.config.existingConfig | default (include "gatehouse.fullname" .) -}}
{{- end -}}

{{- define "gatehouse.serviceAccountName" -}}
{{- if .Values.serviceAccount.enabled -}}
{{- .Values.serviceAccount.name | default (include "gatehouse.fullname" .) -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{/* The Secret holding the Redis password: the user's own, or ours. */}}
{{- define "gatehouse.redisSecretName" -}}
{{- .Values.sessionStorage.redis.existingSecret | default (printf "%s-redis" (include "gatehouse.fullname" .)) -}}
{{- end -}}

{{/* A list value that oauth2-proxy's chart also takes as one comma-separated string ("redis://a:26379,redis://b:26379"). */}}
{{- define "gatehouse.commaList" -}}
{{- if kindIs "string" . -}}
{{- range splitList "," . }}{{ if trim . }}{{ trim . }}
{{ end }}{{ end -}}
{{- else -}}
{{- range . }}{{ . }}
{{ end -}}
{{- end -}}
{{- end -}}

{{/* The standalone Redis URL: the one given, else (as oauth2-proxy's chart does for its Redis subchart) the service
     of the Redis that redis.enabled / redis-ha.enabled name; this chart bundles none, so it must run under that name. */}}
{{- define "gatehouse.redisStandaloneUrl" -}}
{{- $given := .Values.sessionStorage.redis.standalone.connectionUrl -}}
{{- $redis := .Values.redis | default dict -}}
{{- $ha := index .Values "redis-ha" | default dict -}}
{{- if $given -}}
{{- tpl $given $ -}}
{{- else if $ha.enabled -}}
{{- $port := 6379 -}}
{{- with $ha.redis }}{{ with .port }}{{ $port = . }}{{ end }}{{ end -}}
{{- printf "redis://%s:%v" ($ha.fullnameOverride | default (printf "%s-redis-ha" .Release.Name)) $port -}}
{{- else if $redis.enabled -}}
{{- printf "redis://%s:6379" ($redis.fullnameOverride | default (printf "%s-redis" .Release.Name)) -}}
{{- else -}}
{{- fail "sessionStorage.redis.standalone.connectionUrl is required with sessionStorage.type=redis (or name your Redis with redis.fullnameOverride and redis.enabled=true)" -}}
{{- end -}}
{{- end -}}

{{/* The alpha configuration (alphaConfig.*), shaped as oauth2-proxy's chart shapes it: the server and metrics
     listeners first, then configData, then configFile (a template). */}}
{{- define "gatehouse.alphaConfig" -}}
server:
  bindAddress: '0.0.0.0:{{ if eq .Values.httpScheme "https" }}4443{{ else }}4180{{ end }}'
{{- with .Values.alphaConfig.serverConfigData }}
{{- toYaml . | nindent 2 }}
{{- end }}
{{- if .Values.metrics.enabled }}
metricsServer:
  bindAddress: '0.0.0.0:{{ .Values.metrics.port }}'
{{- with .Values.alphaConfig.metricsConfigData }}
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- with .Values.alphaConfig.configData }}
{{- toYaml . | nindent 0 }}
{{- end }}
{{- with .Values.alphaConfig.configFile }}
{{- tpl . $ | nindent 0 }}
{{- end }}
{{- end -}}

{{/* The ConfigMap (or Secret) holding the alpha configuration. */}}
{{- define "gatehouse.alphaConfigName" -}}
{{- .Values.alphaConfig.existingConfig | default .Values.alphaConfig.existingSecret | default (printf "%s-alpha" (include "gatehouse.fullname" .)) -}}
{{- end -}}

{{/* The cfg file's text. Beside the alpha configuration, the chart's default cfg (which names upstreams, replaced by
     the alpha file's upstreamConfig) shrinks to its email domains unless config.forceLegacyConfig is set. */}}
{{- define "gatehouse.cfgFile" -}}
{{- if and .Values.alphaConfig.enabled (not .Values.config.forceLegacyConfig) (eq .Values.config.configFile "email_domains = [ \"*\" ]\nupstreams = [ \"static://202\" ]") -}}
email_domains = {{ .Values.config.emailDomains | default (list "*") | toJson }}
{{- else -}}
{{- tpl .Values.config.configFile $ -}}
{{- end -}}
{{- end -}}
