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
