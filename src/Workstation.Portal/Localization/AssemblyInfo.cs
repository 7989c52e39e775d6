[assembly: System.Resources.NeutralResourcesLanguage("zh-CN")]
